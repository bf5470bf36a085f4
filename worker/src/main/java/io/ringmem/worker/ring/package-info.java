/**
 * The ring data plane: {@link io.ringmem.ring.RingChannel} over TCP between worker processes, with Netty.
 *
 * <p>Each worker runs one {@link io.ringmem.worker.ring.RingServer} and publishes its
 * {@link io.ringmem.worker.ring.RingServer#advertisedAddress() address}. A rank of a ring opens its
 * {@link io.ringmem.worker.ring.RingSession} on its own server and gets a
 * {@link io.ringmem.worker.ring.TcpRingChannel}: blocks it sends go over a connection it opens to the next rank's
 * server; blocks it receives come over the connection the previous rank opened to its server, routed by session id.
 * One connection per session and direction; the wire format is {@link io.ringmem.worker.ring.KvBlockFrames}.
 *
 * <p>Only ring members get in: every connection starts with a mutual HMAC-SHA256 challenge–response over the
 * session's key (issued per session by the coordinator, see {@link io.ringmem.worker.ring.RingSession#key()}), and
 * until it passes the server reads at most one small HELLO and allocates nothing a peer asks for. After it, frames
 * are bounded by the session's largest block. The server caps connections in the handshake and in all, closes
 * handshakes that miss their deadline and inbound links idle past the idle timeout
 * ({@link io.ringmem.worker.ring.RingServerConfig}); a refused stranger never affects a running session.
 *
 * <p>A session that fails anywhere fails everywhere quickly: the failing rank tells both neighbours (END with
 * aborted = 1) before closing its connections, they fail and tell theirs, and a killed process is noticed as a
 * closed connection. See {@link io.ringmem.worker.ring.TcpRingChannel} for the exact contract.
 * {@code ringmem bench transport} (app module) compares the transport with the in-memory ring.
 */
package io.ringmem.worker.ring;
