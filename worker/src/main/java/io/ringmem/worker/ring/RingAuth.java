package io.ringmem.worker.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proofs of the ring handshake (see {@link KvBlockFrames}): HMAC-SHA256 under the session's key, over the
 * acceptor's challenge, the connector's nonce, the session id and the connector's place in the ring. The two
 * directions are domain-separated by a label, so an acceptor's proof is never a valid HELLO proof (no reflection),
 * and every connection has a fresh challenge, so a recorded HELLO is worthless on another connection (no replay).
 */
final class RingAuth {
    /** Bytes of the acceptor's challenge and of the connector's nonce. */
    static final int NONCE_BYTES = 32;
    /** Bytes of an HMAC-SHA256 proof. */
    static final int MAC_BYTES = 32;
    /** Shortest session key accepted. */
    static final int MIN_KEY_BYTES = 16;
    private static final byte[] HELLO_LABEL = "ringmem-ring-hello-v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCEPT_LABEL = "ringmem-ring-accept-v2".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RingAuth() {
    }

    static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    /** The connector's proof: HMAC(key, label ‖ challenge ‖ session id ‖ rank ‖ ring size ‖ nonce). */
    static byte[] helloProof(byte[] key, byte[] challenge, String sessionId, int rank, int ringSize, byte[] nonce) {
        return mac(key, HELLO_LABEL, challenge, sessionId, rank, ringSize, nonce);
    }

    /** The acceptor's proof: HMAC(key, label ‖ challenge ‖ session id ‖ rank ‖ ring size ‖ the connector's nonce). */
    static byte[] acceptProof(byte[] key, byte[] challenge, String sessionId, int rank, int ringSize, byte[] nonce) {
        return mac(key, ACCEPT_LABEL, challenge, sessionId, rank, ringSize, nonce);
    }

    /** Loads the HMAC provider and seeds the random source (slow the first time in a process). */
    static void warmUp() {
        byte[] n = nonce();
        helloProof(n, n, "warm-up", 0, 1, n);
    }

    /** Constant-time comparison. */
    static boolean matches(byte[] expected, byte[] actual) {
        return actual != null && MessageDigest.isEqual(expected, actual);
    }

    static void checkKey(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("ring session key must have at least " + MIN_KEY_BYTES + " bytes");
        }
    }

    private static byte[] mac(byte[] key, byte[] label, byte[] challenge, String sessionId, int rank, int ringSize,
                              byte[] nonce) {
        byte[] id = sessionId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(id.length).putInt(rank).putInt(ringSize);
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(label);
            m.update(challenge);
            m.update(header.array());
            m.update(id);
            m.update(nonce);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A copy, so callers cannot change a session's key afterwards. */
    static byte[] copy(byte[] key) {
        return key == null ? null : Arrays.copyOf(key, key.length);
    }
}
