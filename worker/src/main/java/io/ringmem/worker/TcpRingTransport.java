package io.ringmem.worker;

import io.ringmem.ring.RingChannel;
import io.ringmem.worker.ring.RingServer;
import io.ringmem.worker.ring.RingServerConfig;
import io.ringmem.worker.ring.RingSession;
import io.ringmem.worker.ring.RingTls;
import io.ringmem.worker.ring.TcpRingChannel;

import java.time.Duration;
import java.util.Optional;

/** {@link RingTransport} over the worker's Netty {@link RingServer}. */
public final class TcpRingTransport implements RingTransport {
    private final RingServer server;

    private TcpRingTransport(RingServer server) {
        this.server = server;
    }

    /**
     * @param host          interface to bind
     * @param port          port, 0 for any free one
     * @param advertiseHost host other workers connect to
     */
    public static TcpRingTransport start(String host, int port, String advertiseHost) {
        return start(host, port, advertiseHost, Optional.empty());
    }

    /** @param tls mutual TLS on every ring connection (empty: plain TCP) */
    public static TcpRingTransport start(String host, int port, String advertiseHost, Optional<RingTls> tls) {
        return new TcpRingTransport(RingServer.start(RingServerConfig.of(host, port).withAdvertiseHost(advertiseHost)
                .withTls(tls.orElse(null))));
    }

    @Override
    public String address() {
        return server.advertisedAddress();
    }

    @Override
    public RingChannel open(String sessionId, int rank, int size, String nextAddress, Duration stepTimeout, byte[] key,
                            int maxFrameBytes) {
        return server.open(new RingSession(sessionId, rank, size, nextAddress, stepTimeout, key).withMaxFrameBytes(maxFrameBytes));
    }

    @Override
    public void abort(RingChannel channel, String reason) {
        if (channel instanceof TcpRingChannel tcp) tcp.abort(reason);
    }

    @Override
    public void close() {
        server.close();
    }
}
