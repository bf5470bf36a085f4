package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringmem.RingmemException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connecting side of the ring handshake ({@link KvBlockFrames}): reads CHALLENGE, answers HELLO with its proof
 * of the session key, reads PROOF and checks the acceptor's proof; then replaces itself with a frame decoder bounded
 * by {@link KvBlockFrames#END_MAX_BYTES} (the acceptor may only send END back) and completes {@code done}. Until
 * then it reads one small frame at a time. {@code done} fails (on the connection's event loop) if the connection
 * closes first, the acceptor's proof is wrong, a frame is malformed, or {@code timeout} passes; the connection is
 * then closed.
 */
final class ConnectorHandshake extends ChannelInboundHandlerAdapter {
    private final RingSession session;
    private final String address;
    private final CompletableFuture<Void> done;
    private final Duration timeout;
    private final HandshakeReader reader = new HandshakeReader();
    private byte[] challenge;
    private byte[] nonce;
    private ScheduledFuture<?> deadline;

    ConnectorHandshake(RingSession session, String senderAddress, CompletableFuture<Void> done, Duration timeout) {
        this.session = session;
        this.address = senderAddress;
        this.done = done;
        this.timeout = timeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> fail(ctx, "no handshake within " + TcpRingChannel.seconds(timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf frame = null;
        try {
            if (done.isDone()) return;
            frame = reader.read(ctx.alloc(), in, challenge == null ? KvBlockFrames.CHALLENGE_BYTES : KvBlockFrames.PROOF_BYTES);
            if (frame == null) return;
            KvBlockFrames.Frame f = KvBlockFrames.decode(frame);
            if (challenge == null) {
                if (!(f instanceof KvBlockFrames.Challenge(byte[] c))) throw new RingmemException("the first frame was not a CHALLENGE");
                if (in.isReadable()) throw new RingmemException("bytes after CHALLENGE");
                challenge = c;
                nonce = RingAuth.nonce();
                byte[] proof = RingAuth.helloProof(session.key(), challenge, session.sessionId(), session.rank(), session.size(), nonce);
                ctx.writeAndFlush(KvBlockFrames.encodeHello(ctx.alloc(), new KvBlockFrames.Hello(session.sessionId(), session.rank(),
                        session.size(), address, nonce, proof)));
                return;
            }
            byte[] expected = RingAuth.acceptProof(session.key(), challenge, session.sessionId(), session.rank(), session.size(), nonce);
            if (!(f instanceof KvBlockFrames.Proof(byte[] proof)) || !RingAuth.matches(expected, proof)) {
                throw new RingmemException("it did not prove the session key");
            }
            cancelDeadline();
            ctx.pipeline().addAfter(ctx.name(), "frames", KvBlockFrames.newFrameDecoder(KvBlockFrames.END_MAX_BYTES));
            if (in.isReadable()) ctx.fireChannelRead(in.retain());
            ctx.pipeline().remove(this);
            done.complete(null);
        } catch (RingmemException e) {
            fail(ctx, e.getMessage());
        } finally {
            in.release();
            if (frame != null) frame.release();
        }
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        cancelDeadline();
        reader.release();
        done.completeExceptionally(new RingmemException("handshake failed: " + why));
        ctx.close();
    }

    private void cancelDeadline() {
        if (deadline != null) deadline.cancel(false);
        deadline = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done.isDone()) fail(ctx, "the connection closed during the handshake (session not open there, or refused)");
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        reader.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done.isDone()) {
            fail(ctx, String.valueOf(cause.getMessage()));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
