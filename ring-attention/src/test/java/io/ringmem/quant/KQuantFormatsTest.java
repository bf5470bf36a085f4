package io.ringmem.quant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The K-quant formats on seeded blocks: reference decoding against the independent {@link KQuantOracle}, the
 * quantize → dequantize error against a bound relative to each block's range, and the fused dot against
 * dequantize-then-dot in double.
 */
class KQuantFormatsTest {
    /**
     * Largest |x − dequantize(quantize(x))| allowed, as a fraction of the block's range max(x, 0) − min(x, 0).
     * Half a level step is 1/30 (Q4_K), 1/62 (Q5_K) of the range; the quantizers trade clipped outliers for a finer
     * step (least squares), and 6-bit scales add rounding, so the bounds sit above the half step. Measured worst over
     * the seeds here: Q4_K 0.053, Q5_K 0.028, Q6_K 0.016. (Q8_K: at most half a step, checked exactly below.)
     */
    static final Map<String, Double> RANGE_BOUND = Map.of("Q4_K", 0.07, "Q5_K", 0.04, "Q6_K", 0.025, "Q8_K", 1 / 250.0);
    /** |dot − Σ w_i x_i| ≤ DOT_TOLERANCE · Σ |w_i x_i| (fp32 accumulation in another order; measured ≤ 7e-7). */
    static final double DOT_TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void decodesRandomBlocksLikeTheIndependentOracle(String name) {
        BlockFormat f = KQuantBlocks.format(name);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        int blocks = 9;
        byte[] raw = new byte[blocks * f.blockBytes()];
        r.nextBytes(raw);
        for (int b = 0; b < blocks; b++) saneScales(name, raw, b * f.blockBytes(), r);
        float[] expected = KQuantOracle.decode(name, raw, blocks * 256);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(raw.length + 3).asSlice(3); // unaligned
            MemorySegment.copy(raw, 0, seg, ValueLayout.JAVA_BYTE, 0, raw.length);
            float[] got = new float[blocks * 256 + 5];
            f.dequantize(seg, 0, got, 5, blocks);
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[5 + i], name + " value " + i);
            // a later block alone, from its offset
            float[] one = new float[256];
            f.dequantize(seg, 4L * f.blockBytes(), one, 0, 1);
            for (int i = 0; i < 256; i++) assertEquals(expected[4 * 256 + i], one[i], name + " block 4 value " + i);
        }
    }

    /** Overwrites the random scale fields of the block at {@code at} with finite values of moderate size. */
    private static void saneScales(String name, byte[] raw, int at, SplittableRandom r) {
        switch (name) {
            case "Q4_K", "Q5_K" -> {
                putHalf(raw, at, (float) r.nextDouble(-0.01, 0.01));
                putHalf(raw, at + 2, (float) r.nextDouble(-0.01, 0.01));
            }
            case "Q6_K" -> putHalf(raw, at + 208, (float) r.nextDouble(-0.01, 0.01));
            default -> {
                int bits = Float.floatToRawIntBits((float) r.nextDouble(-0.05, 0.05));
                for (int k = 0; k < 4; k++) raw[at + k] = (byte) (bits >>> 8 * k);
            }
        }
    }

    private static void putHalf(byte[] raw, int at, float v) {
        short h = Float.floatToFloat16(v);
        raw[at] = (byte) h;
        raw[at + 1] = (byte) (h >> 8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void quantizeThenDequantizeStaysWithinTheRangeBound(String name) {
        BlockFormat f = KQuantBlocks.format(name);
        int blocks = 24;
        try (Arena arena = Arena.ofConfined()) {
            for (long seed = 0; seed < 20; seed++) {
                float[] x = KQuantBlocks.values(seed, blocks);
                MemorySegment q = arena.allocate((long) blocks * f.blockBytes() + 64);
                q.fill((byte) 0x5A);
                f.quantize(x, 0, q, 0, blocks);
                for (long i = (long) blocks * f.blockBytes(); i < q.byteSize(); i++) {
                    assertEquals((byte) 0x5A, q.get(ValueLayout.JAVA_BYTE, i), name + ": wrote past its blocks");
                }
                float[] y = new float[x.length];
                f.dequantize(q, 0, y, 0, blocks);
                for (int b = 0; b < blocks; b++) checkBlock(f, q, b, x, y, "seed " + seed + " block " + b);
            }
        }
    }

    private static void checkBlock(BlockFormat f, MemorySegment q, int b, float[] x, float[] y, String where) {
        float lo = 0, hi = 0;
        for (int i = b * 256; i < (b + 1) * 256; i++) {
            lo = Math.min(lo, x[i]);
            hi = Math.max(hi, x[i]);
        }
        // Q8_K exactly: within half a step of the block's own scale
        double bound = f.name().equals("Q8_K") ? Math.abs(q.get(KQuants.FLOAT_LE, (long) b * f.blockBytes())) / 2 * (1 + 0x1p-20)
                : RANGE_BOUND.get(f.name()) * (hi - lo);
        for (int i = b * 256; i < (b + 1) * 256; i++) {
            double err = Math.abs(x[i] - y[i]);
            int at = i;
            assertTrue(err <= bound, () -> f.name() + " " + where + " value " + at + ": " + x[at] + " -> " + y[at]
                    + ", error " + err + " > " + bound);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void fusedDotMatchesDequantizeThenDot(String name) {
        BlockFormat f = KQuantBlocks.format(name);
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks : new int[] {1, 2, 7, 16}) {
                for (long seed = 0; seed < 10; seed++) {
                    float[] w = KQuantBlocks.values(seed, blocks);
                    long off = 7 + seed; // unaligned, not at 0
                    MemorySegment q = arena.allocate(off + (long) blocks * f.blockBytes());
                    f.quantize(w, 0, q, off, blocks);
                    float[] deq = new float[w.length];
                    f.dequantize(q, off, deq, 0, blocks);
                    int xOff = (int) seed * 3;
                    float[] x = new float[xOff + w.length];
                    SplittableRandom r = new SplittableRandom(seed + 99);
                    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                    double ref = 0, abs = 0;
                    for (int i = 0; i < deq.length; i++) {
                        ref += (double) deq[i] * x[xOff + i];
                        abs += Math.abs((double) deq[i] * x[xOff + i]);
                    }
                    float got = f.dot(q, off, x, xOff, blocks);
                    assertTrue(Math.abs(got - ref) <= DOT_TOLERANCE * abs, name + " blocks " + blocks + " seed " + seed
                            + ": dot " + got + " vs " + ref + " (Σ|wx| " + abs + ")");
                }
            }
            assertEquals(0f, f.dot(arena.allocate(1), 0, new float[0], 0, 0), name + ": no blocks");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void zerosStayZeros(String name) {
        BlockFormat f = KQuantBlocks.format(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocate(2L * f.blockBytes());
            q.fill((byte) 0x77);
            f.quantize(new float[512], 0, q, 0, 2);
            float[] y = new float[512];
            f.dequantize(q, 0, y, 0, 2);
            assertArrayEquals(new float[512], y, 0f, name);
            assertEquals(0f, f.dot(q, 0, new float[512], 0, 2), name);
        }
    }

    @Test
    void describesItselfAsGgmlDoes() {
        String[] names = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"};
        int[] ids = {12, 13, 14, 15}, bytes = {144, 176, 210, 292};
        for (int i = 0; i < 4; i++) {
            BlockFormat f = KQuantBlocks.format(names[i]);
            assertEquals(ids[i], f.ggmlId(), names[i]);
            assertEquals(256, f.blockElements(), names[i]);
            assertEquals(bytes[i], f.blockBytes(), names[i]);
        }
    }
}
