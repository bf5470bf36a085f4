package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Splits a connection's byte stream into frames (the bytes after each little-endian {@code i32} length prefix), as
 * {@link io.netty.handler.codec.LengthFieldBasedFrameDecoder} does, but allocates each large frame once at its
 * final size as soon as its length is known and fills it as bytes arrive: no growing cumulation buffer that is
 * copied again and again for multi-megabyte KV blocks. A frame wholly inside one read is passed on as a slice,
 * without a copy. Emits one {@link ByteBuf} per frame (the receiver releases it); a negative length or one over
 * {@code maxFrameBytes} (prefix included) raises {@link CorruptedFrameException} / {@link TooLongFrameException}
 * and stops decoding.
 */
final class FrameSplitter extends ChannelInboundHandlerAdapter {
    private final int maxFrameBytes;
    private int lengthBytesSeen;  // 0..3 bytes of a length prefix read so far
    private int partialLength;
    private ByteBuf frame;        // being filled; null between frames
    private boolean broken;

    FrameSplitter(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (in.isReadable() && !broken) {
                if (frame == null) {
                    if (lengthBytesSeen == 0 && in.readableBytes() >= KvBlockFrames.LENGTH_BYTES) {
                        int len = checked(ctx, in.readIntLE());
                        if (len < 0) return;
                        if (in.readableBytes() >= len) { // the whole frame is here: no copy
                            ctx.fireChannelRead(in.readRetainedSlice(len));
                            continue;
                        }
                        frame = ctx.alloc().directBuffer(len, len);
                    } else {
                        partialLength |= (in.readByte() & 0xFF) << (8 * lengthBytesSeen);
                        if (++lengthBytesSeen < KvBlockFrames.LENGTH_BYTES) continue;
                        int len = checked(ctx, partialLength);
                        lengthBytesSeen = 0;
                        partialLength = 0;
                        if (len < 0) return;
                        frame = ctx.alloc().directBuffer(len, len);
                    }
                }
                frame.writeBytes(in, Math.min(in.readableBytes(), frame.writableBytes()));
                if (!frame.isWritable()) {
                    ByteBuf done = frame;
                    frame = null;
                    ctx.fireChannelRead(done);
                }
            }
        } finally {
            in.release();
        }
    }

    /** The frame length if acceptable; else -1 after raising the error (decoding stops). */
    private int checked(ChannelHandlerContext ctx, int len) {
        if (len >= 0 && (long) len + KvBlockFrames.LENGTH_BYTES <= maxFrameBytes) return len;
        broken = true;
        ctx.fireExceptionCaught(len < 0
                ? new CorruptedFrameException("negative frame length " + len)
                : new TooLongFrameException("frame of " + ((long) len + KvBlockFrames.LENGTH_BYTES) + " bytes"));
        return -1;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
