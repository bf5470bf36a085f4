package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringmem.RingmemException;

/**
 * Reads one handshake frame of at most {@code maxFrameBytes} (length prefix included) from a connection that is not
 * authenticated yet. The length prefix is checked before anything is allocated; the frame's body then goes into one
 * heap buffer of the fixed size {@code maxFrameBytes - 4}, whatever length the peer announced. Not thread-safe (one
 * connection's event loop).
 */
final class HandshakeReader {
    private int lengthBytesSeen;
    private int length;
    private ByteBuf body;

    /**
     * Takes the bytes of the current frame from {@code in} (leaving any that follow it).
     *
     * @return the frame's bytes after the length prefix once complete (the caller releases it), else null
     * @throws RingmemException if the announced length is not in {@code 1 .. maxFrameBytes - 4}
     */
    ByteBuf read(ByteBufAllocator alloc, ByteBuf in, int maxFrameBytes) {
        while (lengthBytesSeen < KvBlockFrames.LENGTH_BYTES && in.isReadable()) {
            length |= (in.readByte() & 0xFF) << (8 * lengthBytesSeen++);
        }
        if (lengthBytesSeen < KvBlockFrames.LENGTH_BYTES) return null;
        if (body == null) {
            int limit = maxFrameBytes - KvBlockFrames.LENGTH_BYTES;
            if (length < 1 || length > limit) {
                throw new RingmemException("handshake frame of " + Integer.toUnsignedString(length) + " bytes, the limit is "
                        + limit);
            }
            body = alloc.heapBuffer(limit, limit);
        }
        body.writeBytes(in, Math.min(in.readableBytes(), length - body.readableBytes()));
        if (body.readableBytes() < length) return null;
        ByteBuf done = body;
        body = null;
        lengthBytesSeen = 0;
        length = 0;
        return done;
    }

    /** Frees a partly read frame. Idempotent. */
    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
