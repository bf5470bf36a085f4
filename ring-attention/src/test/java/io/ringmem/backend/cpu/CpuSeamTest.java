package io.ringmem.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringmem.backend.Activations;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.kernel.RopeTable;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CPU seam with the scalar kernels (the reference) against the seam with the vector kernels, on random weights. */
class CpuSeamTest {
    private static final double RTOL = 1e-4, ATOL = 1e-4;
    // GQA 8/2, n not a multiple of the token block, so every batching path runs
    private static final ModelConfig CONFIG = new ModelConfig(64, 160, 2, 8, 2, 8, 40, 1024, 1e-5f, 10000.0,
            RopeLayout.ROTATE_HALF, null);
    private static final int N = 37, BLOCK = 16;

    private static Backend scalar;
    private static Backend vector;
    private static DeviceModel ref;
    private static DeviceModel fast;
    private static float[] hidden; // (N, dim)
    private static int[] pos; // (N)
    private static RotaryAngles angles;

    @BeforeAll
    static void upload() {
        Random rnd = new Random(11);
        ModelWeights weights = randomWeights(CONFIG, rnd);
        Backends backends = Backends.discover();
        scalar = backends.create("scalar", new BackendSettings(1));
        vector = backends.create("vector", new BackendSettings(2));
        ref = scalar.upload(CONFIG, weights);
        fast = vector.upload(CONFIG, weights);
        hidden = uniform(rnd, N * CONFIG.dim(), 1f);
        pos = IntStream.range(300, 300 + N).toArray();
        angles = new RopeTable(CONFIG).angles(pos, N);
    }

    @AfterAll
    static void close() {
        ref.close();
        fast.close();
        scalar.close();
        vector.close();
    }

    @Test
    void projectMatches() {
        for (int layer = 0; layer < CONFIG.layers(); layer++) {
            for (RotaryAngles a : Arrays.asList(angles, null)) {
                try (Activations hr = ref.load(hidden.clone(), N); Activations hf = fast.load(hidden.clone(), N);
                     Projection pr = ref.project(layer, hr, a, BLOCK); Projection pf = fast.project(layer, hf, a, BLOCK)) {
                    String what = "layer " + layer + (a == null ? " unrotated" : "");
                    assertClose(pr.queriesToHost(), pf.queriesToHost(), "q " + what);
                    assertClose(pr.keysToHost(), pf.keysToHost(), "k " + what);
                    assertClose(pr.valuesToHost(), pf.valuesToHost(), "v " + what);
                    assertEquals(N * CONFIG.qDim(), pf.queriesToHost().length);
                    assertEquals(N * CONFIG.kvDim(), pf.keysToHost().length);
                }
            }
        }
    }

    @Test
    void attentionMatches() {
        Random rnd = new Random(12);
        int nk = 45;
        float[] k = uniform(rnd, nk * CONFIG.kvDim(), 1f), v = uniform(rnd, nk * CONFIG.kvDim(), 1f);
        int[] kPos = IntStream.range(0, nk).map(j -> 290 + j).toArray(); // some keys after some queries: masked
        try (Activations hr = ref.load(hidden.clone(), N); Activations hf = fast.load(hidden.clone(), N);
             Projection pr = ref.project(1, hr, angles, BLOCK); Projection pf = fast.project(1, hf, angles, BLOCK)) {
            for (boolean causal : new boolean[]{true, false}) {
                float[][] r = outLse(), f = outLse();
                ref.attendOwn(pr, pos, causal, r[0], r[1]);
                fast.attendOwn(pf, pos, causal, f[0], f[1]);
                assertClose(r[0], f[0], "own out, causal " + causal);
                assertClose(r[1], f[1], "own lse, causal " + causal);
                ref.attend(pr, pos, k, v, kPos, nk, causal, r[0], r[1]);
                fast.attend(pf, pos, k, v, kPos, nk, causal, f[0], f[1]);
                assertClose(r[0], f[0], "block out, causal " + causal);
                assertClose(r[1], f[1], "block lse, causal " + causal);
            }
        }
    }

    @Test
    void finishLogitsAndPoolingMatch() {
        float[] attn = uniform(new Random(13), N * CONFIG.qDim(), 1f);
        try (Activations hr = ref.load(hidden.clone(), N); Activations hf = fast.load(hidden.clone(), N)) {
            for (int layer = 0; layer < CONFIG.layers(); layer++) {
                ref.finish(layer, hr, attn, BLOCK);
                fast.finish(layer, hf, attn, BLOCK);
                assertClose(ref.download(hr), fast.download(hf), "hidden after layer " + layer);
            }
            int[] rows = {0, 17, N - 1};
            float[] lr = new float[rows.length * CONFIG.vocabSize()], lf = new float[lr.length];
            ref.logits(hr, rows, rows.length, lr);
            fast.logits(hf, rows, rows.length, lf);
            assertClose(lr, lf, "logits");
            assertClose(ref.normedSum(hr, BLOCK), fast.normedSum(hf, BLOCK), "normed sum");
        }
    }

    @Test
    void downloadIsACopyAndHandlesStayWithTheirModel() {
        Activations h = ref.load(hidden.clone(), N);
        float[] copy = ref.download(h);
        copy[0] += 1;
        assertEquals(hidden[0], ref.download(h)[0]);
        assertThrows(IllegalArgumentException.class, () -> fast.project(0, h, angles, BLOCK));
        Projection p = ref.project(0, h, angles, BLOCK);
        float[] out = new float[N * CONFIG.qDim()], lse = new float[N * CONFIG.heads()];
        assertThrows(IllegalArgumentException.class, () -> fast.attendOwn(p, pos, true, out, lse));
        float[] keys = p.keysToHost();
        p.close();
        assertEquals(N * CONFIG.kvDim(), keys.length, "arrays already on the host outlive the handle");
        assertThrows(IllegalStateException.class, () -> ref.attendOwn(p, pos, true, out, lse));
        assertThrows(IllegalStateException.class, p::keysToHost);
        h.close();
        assertThrows(IllegalStateException.class, () -> ref.download(h));
        h.close(); // closing twice is harmless
    }

    private static float[][] outLse() {
        return new float[][]{new float[N * CONFIG.qDim()], new float[N * CONFIG.heads()]};
    }

    static ModelWeights randomWeights(ModelConfig c, Random rnd) {
        float s = (float) (1 / Math.sqrt(c.dim()));
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            layers.add(new LayerWeights(norm(c.dim(), rnd), matrix(c.qDim(), c.dim(), s, rnd),
                    matrix(c.kvDim(), c.dim(), s, rnd), matrix(c.kvDim(), c.dim(), s, rnd),
                    matrix(c.dim(), c.qDim(), s, rnd), norm(c.dim(), rnd), matrix(c.hiddenDim(), c.dim(), s, rnd),
                    matrix(c.dim(), c.hiddenDim(), (float) (1 / Math.sqrt(c.hiddenDim())), rnd),
                    matrix(c.hiddenDim(), c.dim(), s, rnd)));
        }
        Matrix embedding = matrix(c.vocabSize(), c.dim(), 1f, rnd);
        return new ModelWeights(embedding, layers, norm(c.dim(), rnd), embedding);
    }

    private static Matrix matrix(int rows, int cols, float scale, Random rnd) {
        return Matrix.of(uniform(rnd, rows * cols, scale), rows, cols);
    }

    private static float[] norm(int dim, Random rnd) {
        float[] w = uniform(rnd, dim, 0.5f);
        for (int i = 0; i < dim; i++) w[i] += 1;
        return w;
    }

    private static float[] uniform(Random rnd, int len, float scale) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = scale * (2 * rnd.nextFloat() - 1);
        return a;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isInfinite(e) || Float.isInfinite(a) || Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.compare(e, a) != 0) fail(what + " [" + i + "]: expected " + e + ", got " + a);
                continue;
            }
            if (Math.abs((double) e - a) > ATOL + RTOL * Math.abs(e)) {
                fail(what + " [" + i + "]: expected " + e + ", got " + a);
            }
        }
    }
}
