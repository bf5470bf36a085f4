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
 * @param maxFrameBytes       largest frame accepted or sent (a BLOCK of n tokens × w floats is about
 *                            {@code 4·n·(1 + 2w)} bytes); at least 1024
 * @param unopenedSessionTtl  how long frames of a session nobody has opened are kept before the session is dropped
 */
public record RingServerConfig(String host, int port, String advertiseHost, int ioThreads, int maxFrameBytes,
                               Duration unopenedSessionTtl) {
    /** 1 GiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 30;
    public static final Duration DEFAULT_UNOPENED_SESSION_TTL = Duration.ofMinutes(2);

    public RingServerConfig {
        new HostPort(host, port); // validates
        if (advertiseHost != null && advertiseHost.isBlank()) throw new IllegalArgumentException("advertise host must not be blank");
        if (ioThreads < 1) throw new IllegalArgumentException("io threads must be at least 1, got " + ioThreads);
        if (maxFrameBytes < 1024) throw new IllegalArgumentException("max frame size must be at least 1024 bytes, got " + maxFrameBytes);
        if (unopenedSessionTtl == null || unopenedSessionTtl.isNegative() || unopenedSessionTtl.isZero()) {
            throw new IllegalArgumentException("unopened session TTL must be positive, got " + unopenedSessionTtl);
        }
    }

    /** Defaults: advertise the bind host, {@code min(2, cores)} I/O threads, 1 GiB frames, 2 min TTL. */
    public static RingServerConfig of(String host, int port) {
        return new RingServerConfig(host, port, null, Math.min(2, Runtime.getRuntime().availableProcessors()),
                DEFAULT_MAX_FRAME_BYTES, DEFAULT_UNOPENED_SESSION_TTL);
    }

    public RingServerConfig withAdvertiseHost(String h) {
        return new RingServerConfig(host, port, h, ioThreads, maxFrameBytes, unopenedSessionTtl);
    }

    public RingServerConfig withIoThreads(int n) {
        return new RingServerConfig(host, port, advertiseHost, n, maxFrameBytes, unopenedSessionTtl);
    }

    public RingServerConfig withMaxFrameBytes(int bytes) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, bytes, unopenedSessionTtl);
    }

    public RingServerConfig withUnopenedSessionTtl(Duration ttl) {
        return new RingServerConfig(host, port, advertiseHost, ioThreads, maxFrameBytes, ttl);
    }
}
