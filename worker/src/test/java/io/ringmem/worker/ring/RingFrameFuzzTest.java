package io.ringmem.worker.ring;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the ring's data plane after the handshake: the byte stream of a connection split by the frame decoder
 * ({@link FrameSplitter}) into reads of fuzzed sizes, then every frame decoded by {@link KvBlockFrames#decode}.
 * Input: byte 0 seeds the read sizes, byte 1 picks the max frame size (4 .. 16 KiB), the rest is the stream. Contract:
 * the splitter emits exactly the frames the stream holds (checked against the stream) and stops with a
 * {@link CorruptedFrameException} / {@link TooLongFrameException} at a bad length; decoding gives a frame or a
 * {@link RingmemException}; a decoded BLOCK encodes back to the same bytes; nothing leaks; allocation stays within
 * {@link FuzzContract}'s budget (buffers come from an unpooled heap allocator, so that they are measured).
 */
class RingFrameFuzzTest {
    /** Unpooled heap buffers, direct ones included, so that the allocation budget measures what the splitter takes. */
    private static final ByteBufAllocator HEAP = new AbstractByteBufAllocator(false) {
        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    };

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(splitsAndDecodes(), 2000, this::splitsAndDecodes);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void splitsAndDecodes(byte[] data) throws Exception {
        if (data.length < 2) return;
        int maxFrame = 4 + (data[1] & 0xFF) * 64;
        byte[] stream = Arrays.copyOfRange(data, 2, data.length);
        FuzzContract.check(data.length, e -> false, () -> run(new SplittableRandom(data[0]), maxFrame, stream));
    }

    private static void run(SplittableRandom reads, int maxFrame, byte[] stream) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameSplitter(maxFrame));
        ch.config().setAllocator(HEAP);
        int consumed = 0; // stream bytes accounted for by emitted frames
        boolean refused = false;
        try {
            for (int at = 0; at < stream.length && !refused; ) {
                int n = Math.min(stream.length - at, 1 + reads.nextInt(64));
                try {
                    ch.writeInbound(Unpooled.wrappedBuffer(stream, at, n)); // rethrows what the splitter raised
                } catch (CorruptedFrameException | TooLongFrameException e) {
                    refused = true;
                }
                at += n;
                for (ByteBuf frame; (frame = ch.readInbound()) != null; ) {
                    try {
                        int len = ByteBuffer.wrap(stream, consumed, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                        assertEquals(len, frame.readableBytes(), "frame length");
                        assertTrue(len + 4 <= maxFrame, "frame over the max frame size");
                        assertArrayEquals(Arrays.copyOfRange(stream, consumed + 4, consumed + 4 + len), ByteBufUtil.getBytes(frame));
                        consumed += 4 + len;
                        decode(frame);
                    } finally {
                        frame.release();
                    }
                }
                if (refused) {
                    int len = ByteBuffer.wrap(stream, consumed, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    assertTrue(len < 0 || (long) len + 4 > maxFrame, "refused a frame of acceptable length " + len);
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Decodes one frame; a BLOCK must encode back to the bytes it came from. */
    private static void decode(ByteBuf frame) {
        byte[] bytes = ByteBufUtil.getBytes(frame);
        KvBlockFrames.Frame f;
        try {
            f = KvBlockFrames.decode(frame);
        } catch (RingmemException e) {
            assertTrue(e.getMessage().startsWith("malformed ring frame: ") && !e.getMessage().contains("\n"), e.getMessage());
            return;
        }
        if (f instanceof KvBlockFrames.Block b) {
            ByteBuf again = KvBlockFrames.encodeBlock(HEAP, b.block(), Integer.MAX_VALUE);
            try {
                again.skipBytes(4);
                assertArrayEquals(bytes, ByteBufUtil.getBytes(again), "BLOCK round trip");
            } finally {
                again.release();
            }
        }
    }

    static Stream<Arguments> splitsAndDecodes() {
        ByteBuf s = Unpooled.buffer();
        s.writeBytes(KvBlockFrames.encodeBlock(HEAP, new KvBlock(1, 0, new int[] {3, 4}, new float[] {1, 2, 3, 4},
                new float[] {5, 6, 7, Float.NaN}), 1 << 20));
        s.writeBytes(KvBlockFrames.encodeBlock(HEAP, new KvBlock(0, 1, new int[0], new float[0], new float[0]), 1 << 20));
        s.writeBytes(KvBlockFrames.encodeEnd(HEAP, new KvBlockFrames.End(true, "gave up: ünïcödé")));
        s.writeBytes(KvBlockFrames.encodeEnd(HEAP, KvBlockFrames.End.ORDERLY));
        byte[] frames = ByteBufUtil.getBytes(s);
        byte[] seed = new byte[2 + frames.length];
        seed[0] = 7;
        seed[1] = 4;
        System.arraycopy(frames, 0, seed, 2, frames.length);
        return Stream.of(Arguments.of((Object) seed));
    }
}
