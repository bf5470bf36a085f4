package io.ringmem.worker.ring;

import java.time.Duration;

/**
 * Settings of a {@link RingServer}.
 *
 * @param host                where to bind (an IP literal or name; {@code 0.0.0.0} for all interfaces)
 * @param port                port to bind; 0 picks a free one
 * @param advertiseHost       host other workers should connect to (published with the port actually bound);
 *                            null means {@code host}
 * @param ioThreads           event loop threads shared by all connections of the server, at least 1
 * @param maxFrameBytes       largest frame accepted or sent by any session (a BLOCK of n tokens × w floats is about
 *                            {@code 4·n·(1 + 2w)} bytes); a session's own bound ({@link RingSession#maxFrameBytes()})
 *                            can only lower it; at least 1024
 * @param unopenedSessionTtl  how long frames of a session nobody has opened are kept before the session is dropped
 * @param handshakeTimeout    how long an accepted connection may take to prove the session key (and a connector to
 *                            see the acceptor's proof); positive
 * @param idleTimeout         an authenticated inbound link with no frame for this long fails its session; must exceed
 *                            the longest compute between two blocks (and between the last block and END); positive
 * @param maxUnauthenticated  accepted connections still in the handshake at once; more are closed on accept
 * @param maxConnections      accepted connections at once, authenticated or not; more are closed on accept
 * @param tls                 mutual TLS on every ring connection, or null for plain TCP (the default)
 */
public record RingServerConfig(String host, int port, String advertiseHost, int ioThreads, int maxFrameBytes,
                               Duration unopenedSessionTtl, Duration handshakeTimeout, Duration idleTimeout,
                               int maxUnauthenticated, int maxConnections, RingTls tls) {
    /** 1 GiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 30;
    public static final Duration DEFAULT_UNOPENED_SESSION_TTL = Duration.ofMinutes(2);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_UNAUTHENTICATED = 16;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    public RingServerConfig {
        new HostPort(host, port); // validates
        if (advertiseHost != null && advertiseHost.isBlank()) throw new IllegalArgumentException("advertise host must not be blank");
        if (ioThreads < 1) throw new IllegalArgumentException("io threads must be at least 1, got " + ioThreads);
        if (maxFrameBytes < 1024) throw new IllegalArgumentException("max frame size must be at least 1024 bytes, got " + maxFrameBytes);
        requirePositive(unopenedSessionTtl, "unopened session TTL");
        requirePositive(handshakeTimeout, "handshake timeout");
        requirePositive(idleTimeout, "idle timeout");
        if (maxUnauthenticated < 1 || maxConnections < maxUnauthenticated) {
            throw new IllegalArgumentException("connection caps must satisfy 1 <= unauthenticated (" + maxUnauthenticated
                    + ") <= total (" + maxConnections + ")");
        }
    }

    /**
     * Defaults: advertise the bind host, {@code min(2, cores)} I/O threads, 1 GiB frames, 2 min TTL, 10 s handshake,
     * 30 min idle, 16 connections in the handshake, 1024 in all.
     */
    public static RingServerConfig of(String host, int port) {
        return new RingServerConfig(host, port, null, Math.min(2, Runtime.getRuntime().availableProcessors()),
                DEFAULT_MAX_FRAME_BYTES, DEFAULT_UNOPENED_SESSION_TTL, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_UNAUTHENTICATED, DEFAULT_MAX_CONNECTIONS, null);
    }

    public RingServerConfig withAdvertiseHost(String h) {
        return new RingServerConfig(host, port, h, ioThreads, maxFrameBytes, unopenedSessionTtl, handshakeTimeout, idleTimeout,
                maxUnauthenticated, maxConnections, tls);
    }

    public RingServerConfig withIoThreads(int n) {
        return new RingServerConfig(host, port, advertiseHost, n, maxFrameBytes, unopenedSessionTtl, handshakeTimeout, idleTimeout,
                maxUnauthenticated, maxConnections, tls);
    }

    public RingServerConfig withMaxFrameBytes(int bytes) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, bytes, unopenedSessionTtl, handshakeTimeout, idleTimeout,
                maxUnauthenticated, maxConnections, tls);
    }

    public RingServerConfig withUnopenedSessionTtl(Duration ttl) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, maxFrameBytes, ttl, handshakeTimeout, idleTimeout,
                maxUnauthenticated, maxConnections, tls);
    }

    public RingServerConfig withHandshakeTimeout(Duration d) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, maxFrameBytes, unopenedSessionTtl, d, idleTimeout,
                maxUnauthenticated, maxConnections, tls);
    }

    public RingServerConfig withIdleTimeout(Duration d) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, maxFrameBytes, unopenedSessionTtl, handshakeTimeout, d,
                maxUnauthenticated, maxConnections, tls);
    }

    /** Caps on accepted connections: {@code unauthenticated} still in the handshake, {@code total} in all. */
    public RingServerConfig withConnectionCaps(int unauthenticated, int total) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, maxFrameBytes, unopenedSessionTtl, handshakeTimeout,
                idleTimeout, unauthenticated, total, tls);
    }

    /** Mutual TLS on every ring connection ({@code null}: plain TCP). */
    public RingServerConfig withTls(RingTls t) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, maxFrameBytes, unopenedSessionTtl, handshakeTimeout,
                idleTimeout, maxUnauthenticated, maxConnections, t);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
}
