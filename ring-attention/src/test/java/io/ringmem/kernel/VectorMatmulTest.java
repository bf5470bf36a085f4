package io.ringmem.kernel;

import static io.ringmem.kernel.KernelAssert.assertClose;
import static io.ringmem.kernel.KernelAssert.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringmem.tensor.Matrix;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorMatmulTest {
    private static final Kernels SCALAR = new ScalarKernels();

    /** Float accumulation over `in` terms of magnitude ≤ 1: the error grows with in, relative to the row's size. */
    private static void check(Kernels fast, int n, int rows, int in, int offsetBytes, long seed) {
        try (Arena arena = Arena.ofShared()) {
            check(fast, n, rows, in, offsetBytes, seed, arena);
        }
    }

    private static void check(Kernels fast, int n, int rows, int in, int offsetBytes, long seed, Arena arena) {
        Random rnd = new Random(seed);
        float[] x = uniform(rnd, n * in, -1f, 1f);
        float[] w = uniform(rnd, rows * in, -1f, 1f);
        {
            Matrix m = KernelAssert.matrix(w, rows, in, arena, offsetBytes);
            float[] expected = new float[n * rows], actual = new float[n * rows];
            SCALAR.matmul(x, n, m, expected);
            fast.matmul(x, n, m, actual);
            assertClose(expected, actual, n * rows, 1e-5, 1e-6 + 3e-7 * in,
                    "matmul n=" + n + " rows=" + rows + " in=" + in + " offset=" + offsetBytes);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void matchesScalarOnOddShapes(int threads) {
        try (VectorKernels k = new VectorKernels(threads)) {
            long seed = 1;
            for (int in : new int[] {1, 7, 33, 129, 688}) {
                for (int n : new int[] {1, 3, 4, 7, 8, 9, 17, 64}) {
                    for (int rows : new int[] {1, 5, 6, 13, 64}) check(k, n, rows, in, 0, seed++);
                }
            }
        }
    }

    @Test
    void unalignedSegmentOffsets() {
        try (VectorKernels k = new VectorKernels(2)) {
            for (int offset : new int[] {4, 12, 36}) {
                check(k, 17, 29, 129, offset, 100 + offset);
                check(k, 2, 29, 129, offset, 200 + offset);
                check(k, 64, 96, 256, offset, 300 + offset);
            }
        }
    }

    @Test
    void largeShapesUseReductionBlocksAndThreads() {
        try (VectorKernels k = new VectorKernels(2)) {
            check(k, 64, 300, 1100, 0, 7);   // two reduction blocks of packed x
            check(k, 256, 70, 600, 4, 8);    // three reduction blocks, 8-wide tail panel absent
            check(k, 130, 67, 777, 0, 9);    // 8-wide last panel, 1-row tail, blocks
            check(k, 5, 1000, 1024, 0, 10);  // few tokens, parallel over rows
            check(k, 300, 40, 96, 0, 11);    // two token passes
            check(k, 517, 13, 33, 0, 12);    // three token passes with row tails
        }
    }

    @Test
    void confinedWeightsStayOnTheCallerThread() {
        try (VectorKernels k = new VectorKernels(2); Arena confined = Arena.ofConfined()) {
            check(k, 64, 300, 512, 0, 11, confined); // large enough to split, but helpers may not read the segment
            check(k, 3, 300, 512, 4, 12, confined);
        }
    }

    @Test
    void emptyBatchIsNoOp() {
        try (VectorKernels k = new VectorKernels(2)) {
            Matrix m = Matrix.of(new float[] {1, 2, 3, 4}, 2, 2);
            float[] out = {42f};
            k.matmul(new float[0], 0, m, out);
            assertClose(new float[] {42f}, out, 1, 0, 0, "untouched");
        }
    }

    @Test
    void rejectsShortArrays() {
        try (VectorKernels k = new VectorKernels(1)) {
            Matrix m = Matrix.of(new float[6], 2, 3);
            assertThrows(IllegalArgumentException.class, () -> k.matmul(new float[5], 2, m, new float[4]));
            assertThrows(IllegalArgumentException.class, () -> k.matmul(new float[6], 2, m, new float[3]));
        }
    }
}
