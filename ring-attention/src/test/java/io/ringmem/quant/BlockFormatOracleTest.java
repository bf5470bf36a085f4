package io.ringmem.quant;

import io.ringmem.model.loader.Dequantize;
import io.ringmem.model.loader.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered {@link BlockFormat} against its reference on seeded random blocks: {@code quantize} writes the
 * bytes of ggml's reference quantizer (as {@link Dequantize} encodes them), {@code dequantize} decodes them to the
 * values {@link Dequantize#toF32} gives, {@code unpack} equals {@code dequantize} bit for bit, and the fused
 * {@code dot} agrees with dequantize-then-dot: {@code |dot − Σ w_i x_i| ≤ 1e-6 · Σ |w_i x_i|} (the exact sum taken
 * in double over the dequantized weights; the fused kernel sums in fp32 in a different order). Rows of 1 to 4096
 * weights, blocks at odd byte offsets, including an all-zero block.
 */
class BlockFormatOracleTest {
    /** Relative to Σ|w_i·x_i|, for every format here. */
    static final double DOT_TOLERANCE = 1e-6;

    static List<BlockFormat> formats() {
        return BlockFormats.all();
    }

    @ParameterizedTest
    @MethodSource("formats")
    void registryFindsEachFormatById(BlockFormat f) {
        assertSame(f, BlockFormats.byId(f.ggmlId()));
        assertTrue(BlockFormats.names().contains(f.name()));
        // the loader sizes tensors by GgmlType: a registered format must have a constant that agrees with it
        GgmlType t = GgmlType.byId(f.ggmlId());
        assertEquals(f.name(), t.name());
        assertEquals(f.blockElements(), t.blockSize);
        assertEquals(f.blockBytes(), t.blockBytes);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void quantizeDequantizeUnpackAndDotMatchTheReference(BlockFormat f) {
        SplittableRandom rnd = new SplittableRandom(f.ggmlId() * 31L + 7);
        GgmlType legacy = GgmlType.byId(f.ggmlId());
        for (int blocks : new int[]{1, 2, 3, 7, 32, 88, 128}) {
            int n = blocks * f.blockElements();
            float[] w = new float[n], x = new float[n + 5];
            double scale = Math.exp(rnd.nextDouble(-6, 3));
            for (int i = 0; i < n; i++) w[i] = (float) (rnd.nextGaussian() * scale);
            if (blocks >= 3) Arrays.fill(w, f.blockElements(), 2 * f.blockElements(), 0f); // an all-zero block
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            try (Arena arena = Arena.ofConfined()) {
                long off = 3; // blocks need no alignment
                MemorySegment seg = arena.allocate(off + (long) blocks * f.blockBytes() + 7);
                f.quantize(w, 0, seg, off, blocks);
                byte[] bytes = seg.asSlice(off, (long) blocks * f.blockBytes()).toArray(ValueLayout.JAVA_BYTE);
                if (legacy != null) assertArrayEquals(Dequantize.encode(legacy, w), bytes, f + " bytes, " + blocks + " blocks");

                float[] ref = new float[n + 2], fast = new float[n + 2];
                f.dequantize(seg, off, ref, 2, blocks);
                f.unpack(seg, off, fast, 2, blocks);
                assertArrayEquals(ref, fast, f + " unpack vs dequantize");
                if (legacy != null) {
                    float[] viaLoader = Dequantize.toFloatArray(legacy, seg.asSlice(off), 0, n);
                    assertArrayEquals(viaLoader, Arrays.copyOfRange(ref, 2, n + 2), f + " dequantize vs loader");
                }
                double exact = 0, abs = 0;
                for (int i = 0; i < n; i++) {
                    exact += (double) ref[2 + i] * x[5 + i];
                    abs += Math.abs((double) ref[2 + i] * x[5 + i]);
                }
                float got = f.dot(seg, off, x, 5, blocks);
                assertEquals(exact, got, DOT_TOLERANCE * abs + Double.MIN_NORMAL, f + " dot, " + blocks + " blocks");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void quantizationErrorIsWithinHalfAStepOfTheBlockScale(BlockFormat f) {
        SplittableRandom rnd = new SplittableRandom(99);
        int blocks = 16, n = blocks * f.blockElements();
        float[] w = new float[n], back = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) rnd.nextGaussian();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) blocks * f.blockBytes());
            f.quantize(w, 0, seg, 0, blocks);
            f.dequantize(seg, 0, back, 0, blocks);
        }
        for (int b = 0; b < blocks; b++) {
            float amax = 0;
            for (int j = 0; j < f.blockElements(); j++) amax = Math.max(amax, Math.abs(w[b * f.blockElements() + j]));
            // a level step is amax/127 (Q8_0) or amax/8 (Q4_0, whose top level is clamped: up to a full step)
            float step = f.ggmlId() == Q8_0Format.ID ? amax / 127 : amax / 8;
            for (int j = 0; j < f.blockElements(); j++) {
                int i = b * f.blockElements() + j;
                assertTrue(Math.abs(w[i] - back[i]) <= step * 1.01f, f + " weight " + i + ": " + w[i] + " -> " + back[i]);
            }
        }
    }
}
