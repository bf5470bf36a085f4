package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.util.Locale;

/**
 * Handler of one accepted connection: HELLO binds it to a session's {@link Inbox}, BLOCKs go to that inbox, END
 * ends it. The connection closing before END, or a malformed or out-of-order frame, fails the session. Runs on the
 * connection's event loop; decoding (a bulk copy into fresh arrays) happens here.
 */
final class InboundLink extends SimpleChannelInboundHandler<ByteBuf> {
    private static final System.Logger LOG = System.getLogger(InboundLink.class.getName());

    private final RingServer server;
    private Inbox inbox;
    private boolean ended;

    InboundLink(RingServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf buf) {
        KvBlockFrames.Frame frame = KvBlockFrames.decode(buf);
        if (ended) throw new RingmemException("malformed ring frame: " + name(frame) + " after END");
        switch (frame) {
            case KvBlockFrames.Hello hello -> {
                if (inbox != null) throw new RingmemException("malformed ring frame: a second HELLO");
                inbox = server.inboundHello(hello, ctx.channel());
                if (inbox == null) {
                    ended = true;
                    ctx.close();
                }
            }
            case KvBlockFrames.Block block -> requireHello(frame).deliver(block.block());
            case KvBlockFrames.End end -> {
                ended = true;
                requireHello(frame).peerEnded(end);
            }
        }
    }

    private Inbox requireHello(KvBlockFrames.Frame frame) {
        if (inbox == null) throw new RingmemException("malformed ring frame: " + name(frame) + " before HELLO");
        return inbox;
    }

    private static String name(KvBlockFrames.Frame f) {
        return f.getClass().getSimpleName().toUpperCase(Locale.ROOT);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (inbox != null && !ended) {
            ended = true;
            inbox.peerLost();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) { // reset by peer and the like: channelInactive reports the loss
            ctx.close();
            return;
        }
        String detail = cause instanceof TooLongFrameException
                ? "malformed ring frame: longer than the max frame size of " + server.maxFrameBytes() + " bytes ("
                        + cause.getMessage() + ")"
                : cause instanceof RingmemException ? cause.getMessage()
                : cause instanceof DecoderException ? "malformed ring frame: " + cause.getMessage() : String.valueOf(cause);
        if (inbox != null && !ended) {
            ended = true;
            inbox.protocolError(detail);
        } else {
            LOG.log(System.Logger.Level.WARNING, "ring connection from " + ctx.channel().remoteAddress() + ": " + detail);
        }
        ctx.close();
    }
}
