package io.ringmem.store.crypto;

import io.ringmem.RingmemException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A deployment's cluster secret ({@code --cluster-secret FILE}) and what derives from it: the Hazelcast cluster
 * name, the store key and its key id, and the ring's session keys. Derivation is HKDF-SHA256 (RFC 5869; extract with
 * a fixed salt, expand with a distinct label per purpose), so knowing one derived value reveals nothing about the
 * others or the secret.
 *
 * <p>The file holds one secret per non-blank line (surrounding whitespace trimmed, at least
 * {@value #MIN_SECRET_BYTES} bytes each, e.g. {@code openssl rand -hex 32}). The first line is the current secret:
 * it names the cluster and seals every new value. Further lines are earlier secrets kept for reading only, so values
 * written before a rotation still open (their key id says which secret sealed them).
 *
 * <p>Not guaranteed: the secret itself is kept in this object's memory for the life of the process;
 * {@link #toString} never shows it.
 */
public final class ClusterSecret {
    /** Shortest accepted secret, in bytes. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final byte[] SALT = "ringmem-hkdf-salt-v1".getBytes(StandardCharsets.UTF_8);

    private final List<byte[]> secrets; // [0] current, then earlier ones (read only)

    private ClusterSecret(List<byte[]> secrets) {
        if (secrets.isEmpty()) throw new IllegalArgumentException("a cluster secret needs at least one secret");
        for (byte[] s : secrets) {
            if (s.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("cluster secret too short: " + s.length + " bytes, at least "
                        + MIN_SECRET_BYTES + " needed (e.g. `openssl rand -hex 32`)");
            }
        }
        this.secrets = secrets.stream().map(byte[]::clone).toList();
    }

    /** The current secret first, then earlier ones accepted for reading. */
    public static ClusterSecret of(byte[] current, byte[]... earlier) {
        List<byte[]> all = new ArrayList<>();
        all.add(current);
        all.addAll(Arrays.asList(earlier));
        return new ClusterSecret(all);
    }

    /** The current secret as UTF-8 text (tests and tools). */
    public static ClusterSecret of(String current) {
        return of(current.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a secret file (format above).
     *
     * @throws RingmemException one line naming the file when it cannot be read, holds no secret or a short one
     */
    public static ClusterSecret read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RingmemException("cannot read cluster secret file " + file + ": " + e.getMessage());
        }
        List<byte[]> secrets = lines.stream().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        if (secrets.isEmpty()) throw new RingmemException("cluster secret file " + file + " holds no secret");
        try {
            return new ClusterSecret(secrets);
        } catch (IllegalArgumentException e) {
            throw new RingmemException("cluster secret file " + file + ": " + e.getMessage());
        }
    }

    /**
     * The Hazelcast cluster name of this deployment: {@code base + "-" + 16 hex digits} of
     * HKDF(current secret, "ringmem cluster-name v1"). A process without the secret cannot guess it; it is not a
     * secret on the wire (Hazelcast sends it in clear when joining), so it keeps strangers out by accident, not by
     * force: the values' encryption is what protects them.
     */
    public String clusterName(String base) {
        return base + "-" + HexFormat.of().formatHex(derive(secrets.getFirst(), "ringmem cluster-name v1", 8));
    }

    /**
     * The session key of one ring session: HMAC-SHA256(ring key, UTF-8 session id ‖ 0x00 ‖ nonce), where the ring key
     * is HKDF(current secret, "ringmem ring-key v1"). Every rank of a session derives the same key from the session id
     * and the per-try nonce the coordinator sends; a process with another secret derives another key, so its ring
     * handshake is refused. Only the current secret is used: during a rotation, ranks must share the same first line.
     *
     * @param sessionId the ring session id (job/document/segment/session)
     * @param nonce     the try's random nonce (at least 16 bytes)
     * @return 32 key bytes
     */
    public byte[] ringSessionKey(String sessionId, byte[] nonce) {
        if (nonce == null || nonce.length < 16) throw new IllegalArgumentException("ring nonce of at least 16 bytes required");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(derive(secrets.getFirst(), "ringmem ring-key v1", 32), "HmacSHA256"));
            mac.update(sessionId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Key ids (non-zero) and AES-256 keys of every secret, current first. */
    List<StoreKey> keys() {
        List<StoreKey> out = new ArrayList<>();
        for (byte[] s : secrets) {
            byte[] id = derive(s, "ringmem store-key-id v1", 4);
            int keyId = ((id[0] & 0xff) << 24) | ((id[1] & 0xff) << 16) | ((id[2] & 0xff) << 8) | (id[3] & 0xff);
            out.add(new StoreKey(keyId == 0 ? 1 : keyId, derive(s, "ringmem store-key aes-256-gcm v1", 32)));
        }
        return out;
    }

    /** HKDF-SHA256(secret, salt, label) truncated to {@code bytes} (at most 32). */
    static byte[] derive(byte[] secret, String label, int bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SALT, "HmacSHA256"));
            byte[] prk = mac.doFinal(secret);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 1);
            return Arrays.copyOf(mac.doFinal(), bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** One store key: its id (written in each sealed record's header) and its AES-256 key bytes. */
    record StoreKey(int id, byte[] key) {
    }

    @Override
    public String toString() {
        return "ClusterSecret[" + secrets.size() + " secret(s)]";
    }
}
