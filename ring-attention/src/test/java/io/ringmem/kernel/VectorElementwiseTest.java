package io.ringmem.kernel;

import static io.ringmem.kernel.KernelAssert.assertClose;
import static io.ringmem.kernel.KernelAssert.uniform;

import io.ringmem.model.RopeLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorElementwiseTest {
    private static final Kernels SCALAR = new ScalarKernels();
    private static final VectorKernels FAST = new VectorKernels(2);

    @AfterAll
    static void close() {
        FAST.close();
    }

    @Test
    void rmsnormMatchesScalar() {
        Random rnd = new Random(11);
        for (int dim : new int[] {1, 7, 33, 129, 688}) {
            for (int n : new int[] {1, 3, 17, 64}) {
                float[] x = uniform(rnd, n * dim, -3f, 3f), w = uniform(rnd, dim, -2f, 2f);
                float[] expected = new float[n * dim], actual = new float[n * dim];
                SCALAR.rmsnorm(x, w, 1e-5f, n, expected);
                FAST.rmsnorm(x, w, 1e-5f, n, actual);
                assertClose(expected, actual, n * dim, 2e-6, 1e-6, "rmsnorm dim=" + dim + " n=" + n);
                float[] inPlace = x.clone();
                FAST.rmsnorm(inPlace, w, 1e-5f, n, inPlace);
                assertClose(expected, inPlace, n * dim, 2e-6, 1e-6, "in-place rmsnorm dim=" + dim + " n=" + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RopeLayout.class)
    void ropeMatchesScalar(RopeLayout layout) {
        Random rnd = new Random(12 + layout.ordinal());
        for (int hd : new int[] {2, 8, 12, 16, 34, 64, 128}) {
            for (int n : new int[] {1, 3, 17, 64}) {
                for (int heads : new int[] {1, 3, 8}) {
                    int half = hd / 2;
                    float[] cos = new float[n * half], sin = new float[n * half];
                    for (int i = 0; i < n * half; i++) {
                        double a = rnd.nextDouble() * 2 * Math.PI;
                        cos[i] = (float) Math.cos(a);
                        sin[i] = (float) Math.sin(a);
                    }
                    RotaryAngles angles = new RotaryAngles(cos, sin, n, half, layout);
                    float[] expected = uniform(rnd, n * heads * hd, -2f, 2f), actual = expected.clone();
                    SCALAR.rope(expected, n, heads, angles);
                    FAST.rope(actual, n, heads, angles);
                    assertClose(expected, actual, expected.length, 1e-6, 1e-6,
                            "rope " + layout + " hd=" + hd + " n=" + n + " heads=" + heads);
                }
            }
        }
    }

    @Test
    void ropeSplitsLargeCallsAcrossThreads() {
        Random rnd = new Random(13);
        int n = 512, heads = 8, hd = 64, half = 32;
        for (RopeLayout layout : RopeLayout.values()) {
            RotaryAngles angles = new RotaryAngles(uniform(rnd, n * half, -1f, 1f), uniform(rnd, n * half, -1f, 1f), n,
                    half, layout);
            float[] expected = uniform(rnd, n * heads * hd, -2f, 2f), actual = expected.clone();
            SCALAR.rope(expected, n, heads, angles);
            FAST.rope(actual, n, heads, angles);
            assertClose(expected, actual, expected.length, 1e-6, 1e-6, "large rope " + layout);
        }
    }

    @Test
    void swigluMatchesScalar() {
        Random rnd = new Random(14);
        for (int len : new int[] {0, 1, 7, 33, 1000, 100_003}) {
            float[] gate = uniform(rnd, len, -20f, 20f), up = uniform(rnd, len, -3f, 3f);
            if (len > 10) {
                gate[0] = 100f;
                gate[1] = -100f;
                gate[2] = -87f;
                gate[3] = 0f;
            }
            float[] expected = gate.clone(), actual = gate.clone();
            SCALAR.swiglu(expected, up, len);
            FAST.swiglu(actual, up, len);
            assertClose(expected, actual, len, 1e-6, 1e-30, "swiglu len=" + len);
        }
    }

    @Test
    void softmaxMatchesScalar() {
        Random rnd = new Random(15);
        for (int len : new int[] {1, 7, 8, 33, 129, 4096}) {
            for (int off : new int[] {0, 5}) {
                float[] x = uniform(rnd, off + len + 3, -50f, 50f);
                if (len > 2) x[off + 1] = Float.NEGATIVE_INFINITY;
                float[] expected = x.clone(), actual = x.clone();
                SCALAR.softmax(expected, off, len);
                FAST.softmax(actual, off, len);
                assertClose(expected, actual, x.length, 2e-6, 1e-12, "softmax len=" + len + " off=" + off);
            }
        }
    }
}
