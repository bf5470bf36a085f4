package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.ringmem.RingmemException;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class KvBlockFramesTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final int MAX = 1 << 30;

    static KvBlock randomBlock(Random rnd, int tokens, int width) {
        int[] pos = new int[tokens];
        int p = rnd.nextInt(100) - 1;
        for (int i = 0; i < tokens; i++) pos[i] = p += 1 + rnd.nextInt(3);
        float[] k = new float[tokens * width], v = new float[tokens * width];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) rnd.nextGaussian();
            v[i] = Float.intBitsToFloat(rnd.nextInt()); // any bit pattern, NaN payloads included
        }
        return new KvBlock(rnd.nextInt(64), rnd.nextInt(8), pos, k, v);
    }

    /** Encodes, splits with the frame decoder exactly as a connection would, decodes. */
    static KvBlockFrames.Frame roundTrip(ByteBuf encoded) {
        EmbeddedChannel ch = new EmbeddedChannel(KvBlockFrames.newFrameDecoder(MAX));
        try {
            assertTrue(ch.writeInbound(encoded));
            ByteBuf frame = ch.readInbound();
            try {
                return KvBlockFrames.decode(frame);
            } finally {
                frame.release();
            }
        } finally {
            assertFalse(ch.finish());
        }
    }

    @Test
    void blocksRoundTripBitExactOnSeededRandomData() {
        Random rnd = new Random(42);
        int[][] cases = {{0, 0}, {1, 1}, {1, 256}, {0, 0}, {7, 32}, {100, 64}, {1024, 256}, {3, 5}};
        for (int[] c : cases) {
            KvBlock b = randomBlock(rnd, c[0], c[1]);
            ByteBuf buf = KvBlockFrames.encodeBlock(ALLOC, b, MAX);
            assertEquals(KvBlockFrames.blockFrameBytes(b), buf.readableBytes());
            KvBlock d = ((KvBlockFrames.Block) roundTrip(buf)).block();
            assertEquals(b.layer(), d.layer());
            assertEquals(b.sourceRank(), d.sourceRank());
            assertArrayEquals(b.positions(), d.positions());
            assertArrayEquals(bits(b.k()), bits(d.k()), "k of " + c[0] + "x" + c[1]);
            assertArrayEquals(bits(b.v()), bits(d.v()), "v of " + c[0] + "x" + c[1]);
        }
    }

    @Test
    void specialFloatsAndNegativePositionsSurvive() {
        float[] k = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE, 1.5f};
        float[] v = k.clone();
        KvBlock b = new KvBlock(-1, 3, new int[]{-1, 5}, k, v);
        KvBlock d = ((KvBlockFrames.Block) roundTrip(KvBlockFrames.encodeBlock(ALLOC, b, MAX))).block();
        assertArrayEquals(bits(k), bits(d.k()));
        assertArrayEquals(new int[]{-1, 5}, d.positions());
        assertEquals(-1, d.layer());
    }

    @Test
    void helloAndEndRoundTrip() {
        byte[] nonce = new byte[32], proof = new byte[32];
        nonce[3] = 7;
        proof[31] = -1;
        var hello = new KvBlockFrames.Hello("job-7/doc-0/seg-3/attempt-1 ü", 2, 4, "[::1]:7000", nonce, proof);
        var back = (KvBlockFrames.Hello) roundTrip(KvBlockFrames.encodeHello(ALLOC, hello));
        assertEquals(List.of(hello.sessionId(), hello.senderRank(), hello.ringSize(), hello.senderAddress()),
                List.of(back.sessionId(), back.senderRank(), back.ringSize(), back.senderAddress()));
        assertArrayEquals(nonce, back.nonce());
        assertArrayEquals(proof, back.proof());
        var challenge = (KvBlockFrames.Challenge) roundTrip(KvBlockFrames.encodeChallenge(ALLOC, nonce));
        assertArrayEquals(nonce, challenge.challenge());
        assertArrayEquals(proof, ((KvBlockFrames.Proof) roundTrip(KvBlockFrames.encodeProof(ALLOC, proof))).proof());
        assertEquals(KvBlockFrames.End.ORDERLY, roundTrip(KvBlockFrames.encodeEnd(ALLOC, KvBlockFrames.End.ORDERLY)));
        var abort = new KvBlockFrames.End(true, "rank 1 ran out of memory");
        assertEquals(abort, roundTrip(KvBlockFrames.encodeEnd(ALLOC, abort)));
        String huge = "é".repeat(KvBlockFrames.MAX_STRING_BYTES); // cut on a character boundary, still decodes
        var cut = (KvBlockFrames.End) roundTrip(KvBlockFrames.encodeEnd(ALLOC, new KvBlockFrames.End(true, huge)));
        assertEquals(KvBlockFrames.MAX_STRING_BYTES / 2, cut.reason().length());
    }

    @Test
    void blockOverTheMaxFrameSizeIsRefusedWhenEncoding() {
        KvBlock b = randomBlock(new Random(1), 64, 64);
        var e = assertThrows(RingmemException.class, () -> KvBlockFrames.encodeBlock(ALLOC, b, 4096));
        assertTrue(e.getMessage().contains("max frame size of 4096 bytes"), e.getMessage());
    }

    @Test
    void malformedFramesAreRejectedWithClearMessages() {
        assertMalformed("empty frame", f -> { });
        assertMalformed("unknown frame type 9", f -> f.writeByte(9));
        assertMalformed("frame ends inside the BLOCK header", f -> f.writeByte(KvBlockFrames.BLOCK).writeIntLE(0));
        assertMalformed("BLOCK with -1 tokens", f -> blockHeader(f, -1, 0));
        assertMalformed("does not split over 3 tokens", f -> blockHeader(f, 3, 10));
        assertMalformed("needs 36 payload bytes, the frame has 8", f -> blockHeader(f, 1, 4).writeLongLE(0));
        // a header claiming 2^31-1 floats must not make the decoder allocate them
        assertMalformed("the frame has 0", f -> blockHeader(f, 1, Integer.MAX_VALUE));
        assertMalformed("not a ringmem ring connection", f -> f.writeByte(KvBlockFrames.HELLO).writeIntLE(0x01020304)
                .writeIntLE(1).writeIntLE(0).writeIntLE(2));
        assertMalformed("ring protocol version 7", f -> f.writeByte(KvBlockFrames.HELLO).writeIntLE(KvBlockFrames.MAGIC)
                .writeIntLE(7).writeIntLE(0).writeIntLE(2));
        assertMalformed("HELLO from rank 5 of a ring of 2", f -> f.writeByte(KvBlockFrames.HELLO).writeIntLE(KvBlockFrames.MAGIC)
                .writeIntLE(KvBlockFrames.VERSION).writeIntLE(5).writeIntLE(2));
        assertMalformed("session id of -3 bytes", f -> f.writeByte(KvBlockFrames.HELLO).writeIntLE(KvBlockFrames.MAGIC)
                .writeIntLE(KvBlockFrames.VERSION).writeIntLE(0).writeIntLE(2).writeIntLE(-3));
        assertMalformed("frame ends inside the session id", f -> f.writeByte(KvBlockFrames.HELLO).writeIntLE(KvBlockFrames.MAGIC)
                .writeIntLE(KvBlockFrames.VERSION).writeIntLE(0).writeIntLE(2).writeIntLE(100).writeByte('x'));
        assertMalformed("END with flag 2", f -> f.writeByte(KvBlockFrames.END).writeByte(2).writeIntLE(0));
        assertMalformed("3 unexpected bytes after a frame of type 3", f -> f.writeByte(KvBlockFrames.END).writeByte(0)
                .writeIntLE(0).writeMedium(0));
    }

    @Test
    void splitterReassemblesFramesFromAnyChunking() {
        Random rnd = new Random(5);
        KvBlock[] blocks = {randomBlock(rnd, 0, 0), randomBlock(rnd, 1, 3), randomBlock(rnd, 40, 16), randomBlock(rnd, 2, 1)};
        ByteBuf stream = ALLOC.heapBuffer();
        for (KvBlock b : blocks) {
            ByteBuf f = KvBlockFrames.encodeBlock(ALLOC, b, MAX);
            stream.writeBytes(f);
            f.release();
        }
        byte[] all = new byte[stream.readableBytes()];
        stream.readBytes(all);
        stream.release();
        for (int maxChunk : new int[]{1, 3, 7, 64, 1000, all.length}) {
            EmbeddedChannel ch = new EmbeddedChannel(KvBlockFrames.newFrameDecoder(MAX));
            for (int at = 0; at < all.length; ) {
                int n = Math.min(all.length - at, 1 + rnd.nextInt(maxChunk));
                ch.writeInbound(ALLOC.directBuffer(n).writeBytes(all, at, n));
                at += n;
            }
            for (KvBlock b : blocks) {
                ByteBuf frame = ch.readInbound();
                KvBlock d = ((KvBlockFrames.Block) KvBlockFrames.decode(frame)).block();
                frame.release();
                assertArrayEquals(b.positions(), d.positions());
                assertArrayEquals(bits(b.k()), bits(d.k()), "chunks up to " + maxChunk);
                assertArrayEquals(bits(b.v()), bits(d.v()), "chunks up to " + maxChunk);
            }
            assertFalse(ch.finish(), "no bytes left over with chunks up to " + maxChunk);
        }
    }

    @Test
    void splitterRejectsNegativeLengths() {
        EmbeddedChannel ch = new EmbeddedChannel(KvBlockFrames.newFrameDecoder(MAX));
        Throwable t = assertThrows(Throwable.class, () -> ch.writeInbound(ALLOC.directBuffer().writeIntLE(-5).writeByte(1)));
        assertInstanceOf(CorruptedFrameException.class, t);
        ch.finishAndReleaseAll();
    }

    @Test
    void frameDecoderRejectsFramesOverTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(KvBlockFrames.newFrameDecoder(1024));
        ByteBuf big = KvBlockFrames.encodeBlock(ALLOC, randomBlock(new Random(3), 16, 16), MAX);
        Throwable t = assertThrows(Throwable.class, () -> ch.writeInbound(big));
        assertInstanceOf(TooLongFrameException.class, t);
        ch.finishAndReleaseAll();
    }

    private static ByteBuf blockHeader(ByteBuf f, int tokens, int floats) {
        return f.writeByte(KvBlockFrames.BLOCK).writeIntLE(0).writeIntLE(0).writeIntLE(tokens).writeIntLE(floats);
    }

    private static void assertMalformed(String expected, Consumer<ByteBuf> body) {
        ByteBuf f = Unpooled.buffer();
        body.accept(f);
        try {
            var e = assertThrows(RingmemException.class, () -> KvBlockFrames.decode(f));
            assertTrue(e.getMessage().startsWith("malformed ring frame: "), e.getMessage());
            assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
        } finally {
            f.release();
        }
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
