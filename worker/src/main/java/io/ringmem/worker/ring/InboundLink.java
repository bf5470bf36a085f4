package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.util.Locale;

/**
 * Handler of one authenticated accepted connection (installed by {@link AcceptorHandshake}, bound to its session's
 * {@link Inbox}): BLOCKs go to that inbox, END ends it. The connection closing before END, no frame within the
 * server's idle timeout, or a malformed, oversized or out-of-order frame fails the session. Runs on the
 * connection's event loop; decoding (a bulk copy into fresh arrays) happens here.
 */
final class InboundLink extends SimpleChannelInboundHandler<ByteBuf> {
    private static final System.Logger LOG = System.getLogger(InboundLink.class.getName());

    private final RingServer server;
    private final Inbox inbox;
    private final int maxFrameBytes;
    private boolean ended;

    InboundLink(RingServer server, Inbox inbox, int maxFrameBytes) {
        this.server = server;
        this.inbox = inbox;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf buf) {
        KvBlockFrames.Frame frame = KvBlockFrames.decode(buf);
        if (ended) throw new RingmemException("malformed ring frame: " + name(frame) + " after END");
        switch (frame) {
            case KvBlockFrames.Block block -> inbox.deliver(block.block());
            case KvBlockFrames.End end -> {
                ended = true;
                inbox.peerEnded(end);
            }
            default -> throw new RingmemException("malformed ring frame: " + name(frame) + " after the handshake");
        }
    }

    private static String name(KvBlockFrames.Frame f) {
        return f.getClass().getSimpleName().toUpperCase(Locale.ROOT);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
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
                ? "malformed ring frame: longer than the session's max frame size of " + maxFrameBytes + " bytes ("
                        + cause.getMessage() + ")"
                : cause instanceof ReadTimeoutException
                ? "no frame for " + TcpRingChannel.seconds(server.config().idleTimeout()) + " (the ring's idle timeout)"
                : cause instanceof RingmemException ? cause.getMessage()
                : cause instanceof DecoderException ? "malformed ring frame: " + cause.getMessage() : String.valueOf(cause);
        if (!ended) {
            ended = true;
            inbox.protocolError(detail);
        } else {
            LOG.log(System.Logger.Level.WARNING, "ring connection from " + ctx.channel().remoteAddress() + ": " + detail);
        }
        ctx.close();
    }
}
