package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.BlockFormats;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Matmuls on block-quantized matrices: the vector kernels (fused dot for fewer than 8 tokens, unpacked panels for
 * more, reduction blocks, several threads) against the scalar reference on the same matrix (each row dequantized by
 * the format's reference, dot in double). Tolerance per output: {@code 1e-6 + 2e-6 · Σ_i |w_i x_i|}, whatever the
 * format (the weights are the same floats on both sides; only fp32 summation order differs). Also: the fp32
 * matrix of the same values gives the same result within that tolerance, and results are deterministic.
 */
class QuantizedMatmulTest {
    private static final Kernels SCALAR = new ScalarKernels();

    static List<BlockFormat> formats() {
        return BlockFormats.all();
    }

    /** A (rows, in) matrix of f with seeded Gaussian weights, quantized into arena. */
    static Matrix quantized(BlockFormat f, int rows, int in, long seed, Arena arena) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = new float[rows * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.05);
        int blocks = in / f.blockElements();
        MemorySegment seg = arena.allocate((long) rows * blocks * f.blockBytes());
        f.quantize(w, 0, seg, 0, rows * blocks);
        return new Matrix(seg, rows, in, f);
    }

    private static void check(Kernels k, BlockFormat f, int n, int rows, int in, long seed) {
        try (Arena arena = Arena.ofShared()) {
            Matrix m = quantized(f, rows, in, seed, arena);
            float[] x = new float[n * in];
            SplittableRandom rnd = new SplittableRandom(seed + 1);
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            float[] want = new float[n * rows], got = new float[n * rows], again = new float[n * rows];
            SCALAR.matmul(x, n, m, want);
            k.matmul(x, n, m, got);
            k.matmul(x, n, m, again);
            assertArrayEquals(got, again, "deterministic");
            float[] dense = m.toArray();
            float[] viaFp32 = new float[n * rows];
            k.matmul(x, n, Matrix.of(dense, rows, in), viaFp32);
            for (int t = 0; t < n; t++) {
                for (int r = 0; r < rows; r++) {
                    double abs = 0;
                    for (int i = 0; i < in; i++) abs += Math.abs((double) dense[r * in + i] * x[t * in + i]);
                    double tol = 1e-6 + 2e-6 * abs;
                    String at = f + " n=" + n + " rows=" + rows + " in=" + in + " [" + t + ", " + r + "]";
                    assertEquals(want[t * rows + r], got[t * rows + r], tol, at);
                    assertEquals(viaFp32[t * rows + r], got[t * rows + r], 2 * tol, at + " vs fp32 copy");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void fusedAndPanelPathsMatchTheReference(BlockFormat f) {
        try (VectorKernels k = new VectorKernels(2)) {
            long seed = 1;
            int be = f.blockElements();
            for (int in : new int[]{be, 3 * be, 2816 / be * be}) {
                for (int n : new int[]{1, 2, 5, 8, 17, 40}) {
                    for (int rows : new int[]{1, 7, 64}) check(k, f, n, rows, in, seed++);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void longPassesAndManyThreadsMatchTheReference(BlockFormat f) {
        try (VectorKernels one = new VectorKernels(1); VectorKernels three = new VectorKernels(3)) {
            check(one, f, 300, 70, 1024, 11);  // two packed passes, reduction blocks of whole blocks
            check(three, f, 300, 70, 1024, 11);
            check(three, f, 1, 4000, 1024, 12); // decode, split over threads
        }
    }

    @Test
    void quantizedMatrixChecksItsShape() {
        BlockFormat f = BlockFormats.all().getFirst();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2L * f.blockBytes());
            assertEquals(2, new Matrix(seg, 1, 2 * f.blockElements(), f).cols() / f.blockElements());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new Matrix(seg, 1, 2 * f.blockElements() + 1, f));
            assertTrue(e.getMessage().contains("not whole"), e.getMessage());
            assertThrowsSize(seg, f);
        }
    }

    private static void assertThrowsSize(MemorySegment seg, BlockFormat f) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Matrix(seg, 2, 2 * f.blockElements(), f));
        assertTrue(e.getMessage().contains("does not hold"), e.getMessage());
    }
}
