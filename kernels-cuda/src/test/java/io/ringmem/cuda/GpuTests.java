package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

/**
 * Shared pieces of the {@code @Tag("gpu")} tests. Those tests run only on a machine with a CUDA device (the device
 * check, {@code scripts/device-check.sh}, or {@code ./mvnw -pl kernels-cuda -am verify -Pgpu}); the default build
 * excludes the tag. They are {@code @EnabledIf} a usable device, and the device check fails when any of them was
 * skipped, so a GPU run that silently tested nothing is impossible.
 */
final class GpuTests {
    private GpuTests() {
    }

    /** The condition of every gpu-tagged class. */
    static boolean available() {
        return CudaProbe.probe().availability().available();
    }

    /** A context on device 0 (the caller closes it). */
    static CudaContext context() {
        return new CudaContext(CudaProbe.probe().device().orElseThrow(), PtxCatalog.bundled());
    }

    static float[] gaussian(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    /** Largest |a - b| over the first n elements, checked ≤ tol·max(1, max|expected|); equal infinities agree. */
    static void assertClose(float[] expected, float[] actual, int n, double tol, String what) {
        double max = 1, diff = 0;
        int worst = -1;
        for (int i = 0; i < n; i++) if (Float.isFinite(expected[i])) max = Math.max(max, Math.abs(expected[i]));
        for (int i = 0; i < n; i++) {
            if (expected[i] == actual[i]) continue;
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= diff)) {
                diff = d;
                worst = i;
            }
        }
        if (!(diff <= tol * max)) {
            assertEquals(expected[worst], actual[worst], tol * max, what + ": worst element " + worst + " (normalized error "
                    + diff / max + " > " + tol + ")");
        }
    }
}
