package io.ringmem.worker.ring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One rank's view of one ring: which ring ({@code sessionId}), its place in it, and where its successor listens.
 * A session id names one attempt of one ring (e.g. {@code job-7/doc-0/seg-3/attempt-1}); every rank of the ring uses
 * the same id, and an id should not be reused for a new attempt (a retry takes a new id).
 *
 * @param sessionId      non-blank, at most {@link #MAX_SESSION_ID_BYTES} bytes of UTF-8
 * @param rank           this rank, {@code 0 <= rank < size}
 * @param size           ranks in the ring, at least 1
 * @param nextAddress    {@code host:port} of the {@link RingServer} of rank {@code (rank + 1) % size}; required when
 *                       {@code size > 1}, ignored (may be null) when {@code size == 1}
 * @param stepTimeout    how long a receive may wait for its block, and a send for its flush; positive
 * @param connectTimeout how long connecting to the next rank may take; positive
 * @param key            the session's secret, the same on every rank (issued by the coordinator), at least 16 bytes;
 *                       connections of this session prove it in the handshake (see {@link KvBlockFrames}). Not copied:
 *                       do not change the array afterwards
 * @param maxFrameBytes  the largest frame this session sends or accepts (its largest KV block:
 *                       {@link KvBlockFrames#blockFrameBytes(int, int)}); 0 means the server's max frame size, and the
 *                       server's max also caps any larger value; END frames are always allowed their own size
 */
public record RingSession(String sessionId, int rank, int size, String nextAddress, Duration stepTimeout,
                          Duration connectTimeout, byte[] key, int maxFrameBytes) {
    /** Longest session id, in UTF-8 bytes. */
    public static final int MAX_SESSION_ID_BYTES = 1024;
    /** Connect timeout used when none is given (capped by the step timeout). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public RingSession {
        if (sessionId == null || sessionId.isBlank()) throw new IllegalArgumentException("session id must not be blank");
        if (sessionId.getBytes(StandardCharsets.UTF_8).length > MAX_SESSION_ID_BYTES) {
            throw new IllegalArgumentException("session id longer than " + MAX_SESSION_ID_BYTES + " bytes");
        }
        if (size < 1) throw new IllegalArgumentException("ring size must be at least 1, got " + size);
        if (rank < 0 || rank >= size) throw new IllegalArgumentException("rank " + rank + " outside a ring of " + size);
        if (size > 1) {
            if (nextAddress == null) throw new IllegalArgumentException("rank " + rank + " of " + size + " needs the next rank's address");
            HostPort next = HostPort.parse(nextAddress);
            if (next.port() == 0) throw new IllegalArgumentException("next address '" + nextAddress + "' has port 0");
        }
        requirePositive(stepTimeout, "step timeout");
        requirePositive(connectTimeout, "connect timeout");
        RingAuth.checkKey(key);
        if (maxFrameBytes < 0) throw new IllegalArgumentException("max frame size must not be negative, got " + maxFrameBytes);
    }

    /**
     * A session whose connect timeout is the shorter of {@link #DEFAULT_CONNECT_TIMEOUT} and the step timeout, with
     * the server's max frame size.
     */
    public RingSession(String sessionId, int rank, int size, String nextAddress, Duration stepTimeout, byte[] key) {
        this(sessionId, rank, size, nextAddress, stepTimeout,
                stepTimeout != null && stepTimeout.compareTo(DEFAULT_CONNECT_TIMEOUT) < 0 ? stepTimeout : DEFAULT_CONNECT_TIMEOUT, key, 0);
    }

    /** This session with another max frame size (see {@code maxFrameBytes}). */
    public RingSession withMaxFrameBytes(int bytes) {
        return new RingSession(sessionId, rank, size, nextAddress, stepTimeout, connectTimeout, key, bytes);
    }

    /** Does not show the key. */
    @Override
    public String toString() {
        return "RingSession[" + sessionId + " rank " + rank + "/" + size + " next " + nextAddress + "]";
    }

    public int nextRank() {
        return (rank + 1) % size;
    }

    public int prevRank() {
        return (rank - 1 + size) % size;
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
}
