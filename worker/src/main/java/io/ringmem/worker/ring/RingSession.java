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
 */
public record RingSession(String sessionId, int rank, int size, String nextAddress, Duration stepTimeout,
                          Duration connectTimeout) {
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
    }

    /** A session whose connect timeout is the shorter of {@link #DEFAULT_CONNECT_TIMEOUT} and the step timeout. */
    public RingSession(String sessionId, int rank, int size, String nextAddress, Duration stepTimeout) {
        this(sessionId, rank, size, nextAddress, stepTimeout,
                stepTimeout != null && stepTimeout.compareTo(DEFAULT_CONNECT_TIMEOUT) < 0 ? stepTimeout : DEFAULT_CONNECT_TIMEOUT);
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
