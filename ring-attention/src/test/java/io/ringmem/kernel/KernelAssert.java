package io.ringmem.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import io.ringmem.tensor.Matrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random data and tolerance checks shared by the kernel tests. */
final class KernelAssert {
    private KernelAssert() {
    }

    static float[] uniform(Random rnd, int len, float lo, float hi) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = lo + (hi - lo) * rnd.nextFloat();
        return a;
    }

    /** A matrix whose segment starts {@code offsetBytes} past a 64-byte boundary (alignment is not guaranteed). */
    static Matrix matrix(float[] values, int rows, int cols, Arena arena, int offsetBytes) {
        long bytes = (long) rows * cols * Float.BYTES;
        MemorySegment seg = arena.allocate(bytes + 64, 64).asSlice(offsetBytes, bytes);
        MemorySegment.copy(values, 0, seg, Matrix.FLOAT_LE, 0, values.length);
        return new Matrix(seg, rows, cols);
    }

    /** |expected - actual| ≤ atol + rtol·|expected| elementwise over [0, len); NaN only where expected is NaN. */
    static void assertClose(float[] expected, float[] actual, int len, double rtol, double atol, String what) {
        for (int i = 0; i < len; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) != Float.isNaN(a)) fail(what + " [" + i + "]: expected " + e + ", got " + a);
                continue;
            }
            if (Float.isInfinite(e) || Float.isInfinite(a)) {
                if (e != a) fail(what + " [" + i + "]: expected " + e + ", got " + a);
                continue;
            }
            double diff = Math.abs((double) e - a);
            if (diff > atol + rtol * Math.abs(e)) {
                fail(what + " [" + i + "]: expected " + e + ", got " + a + " (diff " + diff + ")");
            }
        }
    }
}
