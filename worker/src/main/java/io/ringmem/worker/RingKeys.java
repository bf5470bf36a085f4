package io.ringmem.worker;

import io.ringmem.store.crypto.ClusterSecret;

import java.util.Objects;
import java.util.Optional;

/**
 * How a worker turns a shard task's session nonce into the ring session key its connections prove. With a cluster
 * secret the key is {@link ClusterSecret#ringSessionKey}(session id, nonce): every rank with the same secret derives
 * the same key, the key never travels, and a process with another secret (or none) cannot join the ring. Without a
 * secret (a development cluster on loopback) the nonce is the key, as the coordinator sent it.
 */
public final class RingKeys {
    private final ClusterSecret secret; // null: development mode

    private RingKeys(ClusterSecret secret) {
        this.secret = secret;
    }

    /** Keys derived from {@code secret}. */
    public static RingKeys derivedFrom(ClusterSecret secret) {
        return new RingKeys(Objects.requireNonNull(secret, "secret"));
    }

    /** Development mode: the task's nonce is the session key. */
    public static RingKeys plain() {
        return new RingKeys(null);
    }

    /** {@link #derivedFrom} when a secret is configured, else {@link #plain}. */
    public static RingKeys of(Optional<ClusterSecret> secret) {
        return secret.map(RingKeys::derivedFrom).orElseGet(RingKeys::plain);
    }

    /** The session key of ring session {@code sessionId} for the try whose nonce is {@code nonce}. */
    public byte[] sessionKey(String sessionId, byte[] nonce) {
        return secret == null ? nonce.clone() : secret.ringSessionKey(sessionId, nonce);
    }

    @Override
    public String toString() {
        return secret == null ? "RingKeys[plain]" : "RingKeys[derived]";
    }
}
