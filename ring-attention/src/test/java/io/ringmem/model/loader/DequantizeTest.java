package io.ringmem.model.loader;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The number formats, against hand-computed values and the reference decoder. */
class DequantizeTest {

    @Test
    void halfAndBfloat16() {
        assertEquals(0x3C00, Dequantize.floatToHalf(1f) & 0xFFFF);
        assertEquals(1f, Dequantize.halfToFloat((short) 0x3C00));
        assertEquals(65504f, Dequantize.halfToFloat((short) 0x7BFF));
        assertEquals(0x3F80, Dequantize.floatToBf16(1f) & 0xFFFF);
        assertEquals(-2f, Dequantize.bf16ToFloat((short) 0xC000));
        // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties to even (1)
        assertEquals(1f, Dequantize.bf16ToFloat(Dequantize.floatToBf16(1f + 0x1p-8f)));
        assertEquals(1f + 0x1p-6f, Dequantize.bf16ToFloat(Dequantize.floatToBf16(1f + 0x1p-7f + 0x1p-8f)));
        assertTrue(Float.isNaN(Dequantize.bf16ToFloat(Dequantize.floatToBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, Dequantize.bf16ToFloat(Dequantize.floatToBf16(Float.POSITIVE_INFINITY)));
    }

    @Test
    void q8RoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        x[0] = 127f; // d = 1
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = -0.4f;
        byte[] q = Dequantize.quantizeQ8_0(x);
        assertEquals(34, q.length);
        assertEquals(Dequantize.floatToHalf(1f), (short) ((q[0] & 0xFF) | q[1] << 8));
        assertEquals(127, q[2]);
        assertEquals(3, q[3]);
        assertEquals(-3, q[4]);
        assertEquals(0, q[5]);
        float[] back = GgufQuantizedTest.referenceDecode(GgmlType.Q8_0, q, 32);
        assertEquals(3f, back[1]);
        assertEquals(-3f, back[2]);
    }

    @Test
    void q4MatchesHandComputedBlock() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) x[j] = j - 16; // max by magnitude is -16, so d = 2
        byte[] q = Dequantize.quantizeQ4_0(x);
        assertEquals(18, q.length);
        float[] back = GgufQuantizedTest.referenceDecode(GgmlType.Q4_0, q, 32);
        for (int j = 0; j < 32; j++) {
            int nibble = Math.min(15, (int) Math.floor(x[j] / 2 + 8.5));
            assertEquals(2f * (nibble - 8), back[j], "element " + j);
        }
        // element 0 in the low nibble of byte 0, element 16 in its high nibble
        assertEquals(0, q[2] & 0x0F);
        assertEquals(8, (q[2] >> 4) & 0x0F);
    }

    @Test
    void zeroBlocks() {
        float[] zero = new float[256]; // Q4_0 of zeros has d = -0 (as in ggml), so values may be -0
        for (GgmlType t : GgmlType.values()) {
            assertArrayEquals(zero, GgufQuantizedTest.referenceDecode(t, Dequantize.encode(t, zero), 256), 0f, t.name());
        }
    }

    @Test
    void bulkConversionMatchesReferenceAcrossChunks() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 8192 * 3 + 256 * 5; // several internal chunks plus a partial one (whole K-quant super-blocks)
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType t : GgmlType.values()) {
                byte[] enc = Dequantize.encode(t, x);
                MemorySegment src = arena.allocate(enc.length + 7).asSlice(7); // unaligned source
                MemorySegment.copy(enc, 0, src, ValueLayout.JAVA_BYTE, 0, enc.length);
                float[] expected = GgufQuantizedTest.referenceDecode(t, enc, n);
                assertArrayEquals(expected, Dequantize.toFloatArray(t, src, 0, n), t.name());
                // an offset start, as the parallel converter uses
                long from = 8192 + 256;
                MemorySegment dst = arena.allocate((n - from) * 4);
                Dequantize.toF32(t, src, t.bytesFor(from), dst, 0, n - from);
                float[] part = dst.toArray(ValueLayout.JAVA_FLOAT);
                assertArrayEquals(Arrays.copyOfRange(expected, (int) from, n), part, t.name());
            }
        }
    }

    @Test
    void typeNames() {
        assertEquals("Q5_K", GgmlType.nameOf(13));
        assertEquals("BF16", GgmlType.nameOf(30));
        assertEquals("unknown", GgmlType.nameOf(1000));
        assertEquals(GgmlType.Q4_0, GgmlType.byId(2));
        // K-quants: accepted by the loader (kept quantized); ids with no layout here are refused
        assertEquals(GgmlType.Q4_K, GgmlType.byId(12));
        assertEquals(null, GgmlType.byId(6));
        assertEquals("F32, F16, Q4_0, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K, BF16", GgmlType.supportedList());
        assertEquals(GgmlType.Q4_K, GgmlType.layoutOf(12));
        assertEquals(292, GgmlType.layoutOf(15).blockBytes);
        for (GgmlType t : GgmlType.values()) assertEquals(t.loaderConverts ? t : null, GgmlType.byId(t.id), t.name());
    }
}
