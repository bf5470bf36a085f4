package io.ringmem.store.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seals every value Ringmem writes into Hazelcast (and every worker task and reply) and opens it again.
 *
 * <p>Record layout ({@code seal}): an 8-byte header {@code 'R' 'M' version=1 kind keyId(int, big endian)}, then for
 * {@code kind = 1} (AES-256-GCM) a 12-byte random nonce and the plaintext in chunks of {@value #CHUNK} bytes (the last
 * one shorter, possibly empty), each sealed on its own as ciphertext plus 16-byte tag, under the nonce with the chunk
 * index XORed into its last four bytes; for {@code kind = 0} (plain, key id 0) the plaintext. Each chunk's associated
 * data is the header, {@code map + '\0' + key} (UTF-8), the chunk index and whether it is the last: a value copied to
 * another key or map, given another key id, or with chunks reordered, dropped or cut off, fails authentication.
 * (Chunks, because the JDK's AES-GCM runs its fast intrinsic only in code compiled from many calls: one call over
 * megabytes runs at about 90 MB/s, 64 KiB calls at several GB/s.)
 *
 * <p>A cipher with a secret ({@link #of}) refuses plain records; a plain cipher ({@link #plain}, development on
 * loopback) refuses sealed ones. {@link #open} never returns a wrong value: it returns the plaintext that was sealed
 * under exactly this map and key, or throws {@link SealedValueException} with one line saying why.
 *
 * <p>Not guaranteed: freshness. A member of the cluster can put back an older sealed value of the same key (a
 * rollback); nonces are random (96 bits), safe for far more values than one key seals in practice (NIST's 2^32 bound).
 * Thread-safe.
 */
public final class StoreCipher {
    /** Plaintext bytes per sealed chunk. */
    public static final int CHUNK = 64 * 1024;
    /** Bytes a sealed record adds to a plaintext of at most {@link #CHUNK} bytes (header, nonce, one tag). */
    public static final int OVERHEAD = 8 + 12 + 16;
    private static final int HEADER = 8;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final int TAG = TAG_BITS / 8;
    private static final byte KIND_PLAIN = 0;
    private static final byte KIND_AES_GCM = 1;

    private final Optional<Integer> currentId;
    private final Map<Integer, SecretKeySpec> keys;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(StoreCipher::newCipher);

    private StoreCipher(List<ClusterSecret.StoreKey> storeKeys) {
        Map<Integer, SecretKeySpec> k = new LinkedHashMap<>();
        for (ClusterSecret.StoreKey s : storeKeys) k.putIfAbsent(s.id(), new SecretKeySpec(s.key(), "AES"));
        this.keys = Map.copyOf(k);
        this.currentId = storeKeys.isEmpty() ? Optional.empty() : Optional.of(storeKeys.getFirst().id());
    }

    /** Seals with the secret's current key; opens values under any of its keys. */
    public static StoreCipher of(ClusterSecret secret) {
        return new StoreCipher(secret.keys());
    }

    /** No encryption (no cluster secret; development on loopback only): plain records in, plain records out. */
    public static StoreCipher plain() {
        return new StoreCipher(List.of());
    }

    /** The secret's cipher, or {@link #plain()} without one. */
    public static StoreCipher of(Optional<ClusterSecret> secret) {
        return secret.map(StoreCipher::of).orElseGet(StoreCipher::plain);
    }

    /** True when values are encrypted. */
    public boolean encrypted() {
        return currentId.isPresent();
    }

    /** Key id new values are sealed under (0 when plain). */
    public int keyId() {
        return currentId.orElse(0);
    }

    /** Seals {@code plaintext} as the value of {@code key} in {@code map}. */
    public byte[] seal(String map, String key, byte[] plaintext) {
        return seal(map, key, plaintext, 0, plaintext.length);
    }

    /** Seals {@code plaintext[offset, offset + length)} as the value of {@code key} in {@code map}. */
    public byte[] seal(String map, String key, byte[] plaintext, int offset, int length) {
        if (currentId.isEmpty()) {
            byte[] out = new byte[HEADER + length];
            header(out, KIND_PLAIN, 0);
            System.arraycopy(plaintext, offset, out, HEADER, length);
            return out;
        }
        int id = currentId.get();
        int chunks = chunks(length);
        byte[] out = new byte[HEADER + NONCE + length + chunks * TAG];
        header(out, KIND_AES_GCM, id);
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, HEADER, NONCE);
        byte[] context = context(map, key);
        try {
            Cipher c = ciphers.get();
            int in = offset, at = HEADER + NONCE;
            for (int i = 0; i < chunks; i++) {
                int n = Math.min(CHUNK, offset + length - in);
                c.init(Cipher.ENCRYPT_MODE, keys.get(id), new GCMParameterSpec(TAG_BITS, chunkNonce(nonce, i)));
                aad(c, out, context, i, i == chunks - 1);
                at += c.doFinal(plaintext, in, n, out, at);
                in += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /** Chunks of a plaintext of {@code length} bytes: at least one (an empty value has one empty chunk). */
    private static int chunks(int length) {
        return Math.max(1, (length + CHUNK - 1) / CHUNK);
    }

    private static byte[] chunkNonce(byte[] nonce, int index) {
        byte[] n = nonce.clone();
        n[8] ^= (byte) (index >>> 24);
        n[9] ^= (byte) (index >>> 16);
        n[10] ^= (byte) (index >>> 8);
        n[11] ^= (byte) index;
        return n;
    }

    private static void aad(Cipher c, byte[] header, byte[] context, int index, boolean last) {
        c.updateAAD(header, 0, HEADER);
        c.updateAAD(context);
        c.updateAAD(new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index,
                (byte) (last ? 1 : 0)});
    }

    /**
     * The plaintext sealed as the value of {@code key} in {@code map}.
     *
     * @throws SealedValueException when the record is damaged, sealed under an unknown key id, fails authentication,
     *                              or is plain where encryption is required (or sealed where none is configured)
     */
    public byte[] open(String map, String key, byte[] record) {
        String where = map + "/" + key;
        if (record.length < HEADER || record[0] != 'R' || record[1] != 'M' || record[2] != 1) {
            throw new SealedValueException("value at " + where + " is not a Ringmem record (bad header)");
        }
        byte kind = record[3];
        int id = ((record[4] & 0xff) << 24) | ((record[5] & 0xff) << 16) | ((record[6] & 0xff) << 8) | (record[7] & 0xff);
        if (kind == KIND_PLAIN) {
            if (currentId.isPresent()) {
                throw new SealedValueException("value at " + where + " is not encrypted, and this cluster requires "
                        + "encryption (written by a process without --cluster-secret, or forged)");
            }
            byte[] out = new byte[record.length - HEADER];
            System.arraycopy(record, HEADER, out, 0, out.length);
            return out;
        }
        if (kind != KIND_AES_GCM) throw new SealedValueException("value at " + where + " has unknown kind " + kind);
        SecretKeySpec k = keys.get(id);
        if (k == null) {
            throw new SealedValueException("value at " + where + " is sealed under key id " + hex(id) + ", this process holds "
                    + (keys.isEmpty() ? "no key (start it with --cluster-secret)" : "key id(s) " + ids())
                    + ": the cluster secret differs (rotated without keeping the earlier secret in the file?)");
        }
        int body = record.length - HEADER - NONCE;
        int full = body / (CHUNK + TAG), rest = body % (CHUNK + TAG);
        int chunks = rest == 0 ? full : full + 1;
        if (body < TAG || (rest != 0 && rest < TAG) || chunks == 0) {
            throw new SealedValueException("value at " + where + " is truncated (" + record.length + " bytes)");
        }
        byte[] nonce = Arrays.copyOfRange(record, HEADER, HEADER + NONCE);
        byte[] context = context(map, key);
        byte[] out = new byte[body - chunks * TAG];
        try {
            Cipher c = ciphers.get();
            int in = HEADER + NONCE, at = 0;
            for (int i = 0; i < chunks; i++) {
                int n = Math.min(CHUNK + TAG, record.length - in);
                c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, chunkNonce(nonce, i)));
                aad(c, record, context, i, i == chunks - 1);
                at += c.doFinal(record, in, n, out, at);
                in += n;
            }
            return out;
        } catch (AEADBadTagException e) {
            throw new SealedValueException("value at " + where + " failed authentication (tampered, forged, or copied "
                    + "from another key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /** The key id in a record's header, or empty when it is not a Ringmem record (diagnostics and tests). */
    public static Optional<Integer> keyIdOf(byte[] record) {
        if (record.length < HEADER || record[0] != 'R' || record[1] != 'M') return Optional.empty();
        return Optional.of(((record[4] & 0xff) << 24) | ((record[5] & 0xff) << 16) | ((record[6] & 0xff) << 8) | (record[7] & 0xff));
    }

    private static void header(byte[] out, byte kind, int id) {
        out[0] = 'R';
        out[1] = 'M';
        out[2] = 1;
        out[3] = kind;
        out[4] = (byte) (id >>> 24);
        out[5] = (byte) (id >>> 16);
        out[6] = (byte) (id >>> 8);
        out[7] = (byte) id;
    }

    private static byte[] context(String map, String key) {
        return (map + '\0' + key).getBytes(StandardCharsets.UTF_8);
    }

    private List<String> ids() {
        List<String> out = new ArrayList<>();
        for (Integer i : keys.keySet()) out.add(hex(i));
        return out;
    }

    private static String hex(int id) {
        return String.format("0x%08x", id);
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
        }
    }

    @Override
    public String toString() {
        return encrypted() ? "StoreCipher[AES-256-GCM, key id " + hex(keyId()) + "]" : "StoreCipher[plain]";
    }
}
