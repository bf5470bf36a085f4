package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The accepting side of the ring handshake ({@link KvBlockFrames}), first and only handler of an accepted connection
 * until it is authenticated: sends CHALLENGE, reads one HELLO of at most {@link KvBlockFrames#HELLO_MAX_BYTES},
 * checks its proof against the key of the session it names (which must be open on this server), answers PROOF and
 * only then installs the idle timeout, the frame decoder (bounded by the session's max frame size) and the
 * {@link InboundLink}. Any failure, or no valid HELLO within the server's handshake timeout, closes the connection
 * without touching any session.
 */
final class AcceptorHandshake extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(AcceptorHandshake.class.getName());

    private final RingServer server;
    private final Runnable onAuthenticated;
    private final HandshakeReader reader = new HandshakeReader();
    private byte[] challenge;
    private ScheduledFuture<?> deadline;
    private boolean finished;

    /** @param onAuthenticated runs once the peer has proven the key (the server stops counting it as a stranger) */
    AcceptorHandshake(RingServer server, Runnable onAuthenticated) {
        this.server = server;
        this.onAuthenticated = onAuthenticated;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        challenge = RingAuth.nonce();
        ctx.writeAndFlush(KvBlockFrames.encodeChallenge(ctx.alloc(), challenge));
        long nanos = server.config().handshakeTimeout().toNanos();
        deadline = ctx.executor().schedule(() -> reject(ctx, System.Logger.Level.DEBUG, "no valid HELLO within "
                + TcpRingChannel.seconds(server.config().handshakeTimeout())), nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf frame = null;
        try {
            if (finished) return;
            frame = reader.read(ctx.alloc(), in, KvBlockFrames.HELLO_MAX_BYTES);
            if (frame == null) return;
            if (in.isReadable()) {
                reject(ctx, System.Logger.Level.DEBUG, "sent " + in.readableBytes() + " bytes after HELLO before the handshake completed");
                return;
            }
            if (!(KvBlockFrames.decode(frame) instanceof KvBlockFrames.Hello hello)) {
                reject(ctx, System.Logger.Level.DEBUG, "the first frame was not a HELLO");
                return;
            }
            authenticate(ctx, hello);
        } catch (RingmemException e) {
            reject(ctx, System.Logger.Level.DEBUG, e.getMessage());
        } finally {
            in.release();
            if (frame != null) frame.release();
        }
    }

    private void authenticate(ChannelHandlerContext ctx, KvBlockFrames.Hello hello) {
        int receiver = (hello.senderRank() + 1) % hello.ringSize();
        RingSession session = server.openSession(hello.sessionId(), receiver);
        if (session == null) {
            reject(ctx, System.Logger.Level.DEBUG, "HELLO for session " + hello.sessionId() + " rank " + receiver
                    + ", which is not open here");
            return;
        }
        byte[] expected = RingAuth.helloProof(session.key(), challenge, hello.sessionId(), hello.senderRank(), hello.ringSize(),
                hello.nonce());
        if (!RingAuth.matches(expected, hello.proof())) {
            reject(ctx, System.Logger.Level.WARNING, "HELLO for session " + hello.sessionId() + " with a wrong proof of its key");
            return;
        }
        finished = true;
        cancelDeadline();
        onAuthenticated.run();
        ctx.writeAndFlush(KvBlockFrames.encodeProof(ctx.alloc(), RingAuth.acceptProof(session.key(), challenge,
                hello.sessionId(), hello.senderRank(), hello.ringSize(), hello.nonce())));
        Inbox inbox = server.inboundHello(hello, ctx.channel());
        if (inbox == null) {
            ctx.close();
            return;
        }
        int maxFrame = server.maxFrameBytes(session);
        ChannelPipeline p = ctx.pipeline();
        long idle = server.config().idleTimeout().toNanos();
        p.addAfter(ctx.name(), "idle", new ReadTimeoutHandler(idle, TimeUnit.NANOSECONDS));
        p.addAfter("idle", "frames", KvBlockFrames.newFrameDecoder(maxFrame));
        p.addAfter("frames", "link", new InboundLink(server, inbox, maxFrame));
        p.remove(this);
    }

    private void reject(ChannelHandlerContext ctx, System.Logger.Level level, String why) {
        if (finished) return;
        finished = true;
        cancelDeadline();
        reader.release();
        server.handshakeRejected();
        LOG.log(level, "ring connection from " + ctx.channel().remoteAddress() + " refused: " + why);
        ctx.close();
    }

    private void cancelDeadline() {
        if (deadline != null) deadline.cancel(false);
        deadline = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finished = true;
        cancelDeadline();
        reader.release();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        reader.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            finished = true;
            cancelDeadline();
            ctx.close();
            return;
        }
        reject(ctx, System.Logger.Level.DEBUG, String.valueOf(cause));
    }
}
