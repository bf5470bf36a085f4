package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.BlockFormats;
import io.ringmem.quant.Int8Activations;
import io.ringmem.quant.Int8Weights;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8-activation prefill path ({@link MatmulInt8}) against two oracles on seeded Gaussian data, per format
 * (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), for every output (t, r), in double:
 * <ol>
 *   <li>dequantize-then-fp32: {@code want = Σ_i w_i x_i} with w the format's reference dequantization. Tolerance
 *       (the activation quantization bound of {@link Int8Activations}, the same formula for every format, with
 *       its block: 32 for Q8_0/Q4_0, 256 for the K-quants):
 *       {@code |got − want| ≤ 1.01 · Σ_blocks (d_b/2)·Σ_{i∈b}|w_i| + 1e-5·Σ_i|w_i|·|x_i| + 1e-6},
 *       {@code d_b = max_{i∈b}|x_i| / 127}.</li>
 *   <li>the same dot on the int8-rounded activations {@code x̂ = d·q}: only fp32 rounding differs, so
 *       {@code |got − Σ w_i x̂_i| ≤ 1e-6 + 1e-5 · Σ_i (|w_i| + |offset_g(i)|)·|x̂_i|} (offset: the group's min term,
 *       which the integer path applies separately).</li>
 * </ol>
 * Also: the int8 error is really present (not the unpack path by mistake), results are deterministic across thread
 * counts, and {@link QuantizedPrefill#AUTO} is bitwise the kernel it selects.
 */
class Int8PrefillTest {
    static List<BlockFormat> formats() {
        return BlockFormats.all().stream().filter(Int8Weights::supports).toList();
    }

    private static float[] gaussian(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Asserts both oracles for every output; returns the largest |got − want| / bound of oracle 1. */
    private static double check(Kernels k, BlockFormat f, int n, int rows, int in, long seed) {
        try (Arena arena = Arena.ofShared()) {
            Matrix m = QuantizedMatmulTest.quantized(f, rows, in, seed, arena);
            float[] x = gaussian(n * in, seed + 1);
            float[] got = new float[n * rows];
            k.matmul(x, n, m, got);
            float[] w = m.toArray();
            int g = Int8Weights.group(f), groups = in / g;
            float[] sc = new float[rows * groups], of = new float[rows * groups];
            Int8Weights.decode(f, m.data(), 0, rows * (in / f.blockElements()), new short[rows * in], 0, sc, of, 0);
            Int8Activations a = new Int8Activations(n, in, Int8Activations.blockFor(f));
            a.quantizeRows(x, 0, 0, n);
            double worst = 0;
            for (int t = 0; t < n; t++) {
                for (int r = 0; r < rows; r++) {
                    double want = 0, abs = 0, quant = 0, want2 = 0, abs2 = 0;
                    for (int i = 0; i < in; i++) {
                        double wi = w[r * in + i], xi = x[t * in + i], xh = a.value(t, i);
                        want += wi * xi;
                        abs += Math.abs(wi * xi);
                        quant += a.scale(t, i) / 2 * Math.abs(wi);
                        want2 += wi * xh;
                        abs2 += (Math.abs(wi) + Math.abs(of[r * groups + i / g])) * Math.abs(xh);
                    }
                    double bound = 1.01 * quant + 1e-5 * abs + 1e-6, err = Math.abs(got[t * rows + r] - want);
                    String at = f.name() + " n=" + n + " rows=" + rows + " in=" + in + " [" + t + ", " + r + "]";
                    assertTrue(err <= bound, at + ": |err| " + err + " > bound " + bound);
                    assertEquals(want2, got[t * rows + r], 1e-6 + 1e-5 * abs2, at + " vs int8-rounded activations");
                    worst = Math.max(worst, err / bound);
                }
            }
            return worst;
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void int8PathMatchesBothOracles(BlockFormat f) {
        try (VectorKernels k = new VectorKernels(2, QuantizedPrefill.INT8)) {
            long seed = 100;
            double worst = 0;
            int be = f.blockElements();
            for (int in : new int[]{be, 2 * be, 1024}) {
                for (int n : new int[]{8, 17, 40, 300}) {  // tails of a panel, two passes
                    for (int rows : new int[]{1, 7, 64}) worst = Math.max(worst, check(k, f, n, rows, in, seed++));
                }
            }
            assertTrue(worst > 1e-3, f + ": no activation-quantization error seen (" + worst + "): not the int8 path?");
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void int8PathIsDeterministicAcrossThreadCounts(BlockFormat f) {
        try (Arena arena = Arena.ofShared(); VectorKernels one = new VectorKernels(1, QuantizedPrefill.INT8);
             VectorKernels three = new VectorKernels(3, QuantizedPrefill.INT8)) {
            int n = 70, rows = 130, in = 1024;
            Matrix m = QuantizedMatmulTest.quantized(f, rows, in, 7, arena);
            float[] x = gaussian(n * in, 8), a = new float[n * rows], b = new float[n * rows], c = new float[n * rows];
            one.matmul(x, n, m, a);
            three.matmul(x, n, m, b);
            three.matmul(x, n, m, c);
            assertArrayEquals(a, b);
            assertArrayEquals(b, c);
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void autoIsBitwiseTheKernelItSelects(BlockFormat f) {
        try (Arena arena = Arena.ofShared(); VectorKernels auto = new VectorKernels(2);
             VectorKernels unpack = new VectorKernels(2, QuantizedPrefill.UNPACK);
             VectorKernels int8 = new VectorKernels(2, QuantizedPrefill.INT8)) {
            int n = 40, rows = 64, in = 1024;
            Matrix m = QuantizedMatmulTest.quantized(f, rows, in, 9, arena);
            float[] x = gaussian(n * in, 10), got = new float[n * rows], u = new float[n * rows], i = new float[n * rows];
            auto.matmul(x, n, m, got);
            unpack.matmul(x, n, m, u);
            int8.matmul(x, n, m, i);
            assertFalse(Arrays.equals(u, i), f + ": the two paths should differ (int8 rounding)");
            assertArrayEquals(QuantizedPrefill.AUTO.usesInt8(f) ? i : u, got, f + " auto");
        }
    }

    @Test
    void formatsWithoutAnIntegerPathTakeUnpack() {
        for (BlockFormat f : BlockFormats.all()) {
            if (!Int8Weights.supports(f)) {
                assertFalse(QuantizedPrefill.INT8.usesInt8(f), f.name());
                assertFalse(QuantizedPrefill.AUTO.usesInt8(f), f.name());
            }
            assertFalse(QuantizedPrefill.UNPACK.usesInt8(f), f.name());
        }
    }

    @Test
    void parsesTheOptionAndRejectsOthersInOneLine() {
        assertEquals(QuantizedPrefill.INT8, QuantizedPrefill.parse(" Int8 "));
        assertEquals(QuantizedPrefill.UNPACK, QuantizedPrefill.parse("unpack"));
        assertEquals(QuantizedPrefill.AUTO, QuantizedPrefill.parse("auto"));
        var e = assertThrows(IllegalArgumentException.class, () -> QuantizedPrefill.parse("int4"));
        assertEquals("quantized prefill must be auto, unpack or int8, got 'int4'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantizedPrefill.parse(null));
    }
}
