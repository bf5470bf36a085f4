package io.ringmem.backend;

import io.ringmem.kernel.RopeTable;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The start-up check a device backend must pass before it is chosen: small random Llama layers (4 heads over 2 KV
 * heads of dim 16, 64 and 128, dim = 4·headDim, 37 tokens, both RoPE layouts) run through the whole seam on the
 * candidate and on the reference backend, comparing the attention {@code (out, lse)} (own block causal, and a host KV block), the hidden
 * states after {@code finish} and the logits. The error is the largest absolute difference divided by
 * {@code max(1, largest reference magnitude)} of each compared tensor. Deterministic (seeded); takes milliseconds.
 *
 * <p>Not guaranteed: that a backend passing it is right on every shape (it checks three small layers and exercises
 * each crossing once per layer); the gpu-tagged tests and the device check cover the rest.
 */
public final class BackendSelfTest {
    private static final int TOKENS = 37;
    /** One layer per head dim (16, 64, 128: each a different device attention kernel), RoPE layouts alternating. */
    private static final int[] HEAD_DIMS = {16, 64, 128};

    /**
     * The outcome.
     *
     * @param passed    whether {@code maxError <= tolerance} and nothing failed
     * @param maxError  the largest normalized difference seen (NaN when a run failed)
     * @param detail    one line for logs: what was compared, or what failed
     */
    public record Result(boolean passed, double maxError, String detail) {
    }

    private BackendSelfTest() {
    }

    /** Runs the check; never throws for a failure of the candidate (that is a failed result). */
    public static Result run(Backend candidate, Backend reference, double tolerance) {
        if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        double worst = 0;
        String where = "";
        for (int variant = 0; variant < HEAD_DIMS.length; variant++) {
            int hd = HEAD_DIMS[variant];
            RopeLayout layout = RopeLayout.values()[variant % 2];
            ModelConfig c = new ModelConfig(4 * hd, 96, 1, 4, 2, hd, 97, 256, 1e-5f, 10_000, layout, null);
            ModelWeights w = weights(c, new SplittableRandom(variant + 11));
            float[][] ref;
            float[][] got;
            try {
                ref = layer(reference, c, w);
            } catch (RuntimeException e) {
                throw new IllegalStateException("the reference backend failed its own self-test: " + e, e);
            }
            try {
                got = layer(candidate, c, w);
            } catch (RuntimeException | LinkageError e) {
                return new Result(false, Double.NaN, candidate.name() + " failed while running the self-test layer: " + e);
            }
            String[] names = {"attention out", "attention lse", "host-block out", "host-block lse", "hidden", "logits"};
            for (int i = 0; i < ref.length; i++) {
                double e = error(got[i], ref[i]);
                if (!(e <= worst)) {
                    worst = e;
                    where = names[i] + " (head dim " + hd + ", " + layout + ")";
                }
            }
        }
        boolean ok = worst <= tolerance;
        String detail = String.format("max normalized error %.3g %s tolerance %.3g, worst at %s", worst, ok ? "<=" : ">",
                tolerance, where);
        return new Result(ok, worst, detail);
    }

    /** out, lse, host-block out, host-block lse, hidden after finish, logits of every row. */
    private static float[][] layer(Backend b, ModelConfig c, ModelWeights w) {
        int n = TOKENS;
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = 3 + i;
        float[] rows = new float[n * c.dim()];
        float[] emb = w.embedding().toArray();
        for (int i = 0; i < n; i++) System.arraycopy(emb, ((i * 31) % c.vocabSize()) * c.dim(), rows, i * c.dim(), c.dim());
        RotaryAngles angles = new RopeTable(c).angles(pos, n);
        try (DeviceModel m = b.upload(c, w); Activations h = m.load(rows, n)) {
            float[] out = new float[n * c.qDim()], lse = new float[n * c.heads()];
            float[] out2 = new float[n * c.qDim()], lse2 = new float[n * c.heads()];
            try (Projection p = m.project(0, h, angles, 16)) {
                m.attendOwn(p, pos, true, out, lse);
                float[] k = p.keysToHost().clone(), v = p.valuesToHost().clone();
                int[] kPos = new int[n];
                for (int i = 0; i < n; i++) kPos[i] = i; // a block of earlier positions, partly visible
                m.attend(p, pos, k, v, kPos, n, true, out2, lse2);
            }
            m.finish(0, h, out, 16);
            float[] hidden = m.download(h);
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            float[] logits = new float[n * c.vocabSize()];
            m.logits(h, all, n, logits);
            return new float[][]{out, lse, out2, lse2, hidden, logits};
        }
    }

    private static double error(float[] got, float[] ref) {
        double max = 1, diff = 0;
        for (float r : ref) if (Float.isFinite(r)) max = Math.max(max, Math.abs(r));
        for (int i = 0; i < ref.length; i++) {
            if (ref[i] == got[i]) continue; // equal infinities included
            double d = Math.abs((double) got[i] - ref[i]);
            if (!(d <= diff)) diff = d; // NaN and ∞ differences propagate
        }
        return diff / max;
    }

    private static ModelWeights weights(ModelConfig c, SplittableRandom r) {
        int d = c.dim();
        LayerWeights l = new LayerWeights(norm(d, r), matrix(c.qDim(), d, r), matrix(c.kvDim(), d, r), matrix(c.kvDim(), d, r),
                matrix(d, c.qDim(), r), norm(d, r), matrix(c.hiddenDim(), d, r), matrix(d, c.hiddenDim(), r),
                matrix(c.hiddenDim(), d, r));
        Matrix emb = matrix(c.vocabSize(), d, r);
        return new ModelWeights(emb, List.of(l), norm(d, r), emb);
    }

    private static Matrix matrix(int rows, int cols, SplittableRandom r) {
        float[] v = new float[rows * cols];
        double s = 1 / Math.sqrt(cols);
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * s);
        return Matrix.of(v, rows, cols);
    }

    private static float[] norm(int d, SplittableRandom r) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) v[i] = (float) (1 + 0.1 * r.nextGaussian());
        return v;
    }
}
