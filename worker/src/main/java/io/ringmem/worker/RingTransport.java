package io.ringmem.worker;

import io.ringmem.ring.RingChannel;

import java.time.Duration;

/**
 * How a worker's ranks reach their ring neighbours. The TCP implementation ({@link TcpRingTransport}) is what
 * workers use; tests may link in-process ranks instead.
 */
public interface RingTransport extends AutoCloseable {
    /** host:port other workers connect to (published as the worker's ring address). */
    String address();

    /**
     * This worker's links in ring session {@code sessionId}: it sends to {@code nextAddress} (rank
     * {@code (rank + 1) % size}) and receives from the previous rank.
     *
     * @param key           the session's secret (the same on every rank); only peers that prove it are accepted
     * @param maxFrameBytes the session's largest block frame (0: the transport's limit); larger frames are refused
     */
    RingChannel open(String sessionId, int rank, int size, String nextAddress, Duration stepTimeout, byte[] key,
                     int maxFrameBytes);

    /**
     * Ends a session after a failure: the neighbours' pending and later operations in that session fail promptly
     * (instead of waiting for their step timeout), so the failure spreads around the ring.
     */
    void abort(RingChannel channel, String reason);

    @Override
    void close();
}
