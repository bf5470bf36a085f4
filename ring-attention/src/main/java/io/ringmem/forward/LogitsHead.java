package io.ringmem.forward;

import io.ringmem.kernel.Kernels;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.function.IntPredicate;

/** Final RMSNorm and output projection, in token blocks, for the positions a caller asks for. */
final class LogitsHead {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final int blockTokens;

    LogitsHead(ModelConfig config, ModelWeights weights, Kernels kernels, int blockTokens) {
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
        this.blockTokens = blockTokens;
    }

    /**
     * @param h         (n, dim) final hidden states
     * @param positions (n) their global positions
     * @param wanted    which positions need logits
     */
    void emit(float[] h, int[] positions, int n, IntPredicate wanted, LogitsSink sink) {
        int dim = c.dim(), vocab = c.vocabSize();
        int[] pick = new int[n];
        int count = 0;
        for (int t = 0; t < n; t++) if (wanted.test(positions[t])) pick[count++] = t;
        if (count == 0) return;
        int b = Math.min(blockTokens, count);
        float[] x = new float[b * dim], logits = new float[b * vocab];
        for (int i0 = 0; i0 < count; i0 += b) {
            int m = Math.min(b, count - i0);
            for (int i = 0; i < m; i++) System.arraycopy(h, pick[i0 + i] * dim, x, i * dim, dim);
            kernels.rmsnorm(x, w.finalNorm(), c.normEps(), m, x);
            kernels.matmul(x, m, w.output(), logits);
            for (int i = 0; i < m; i++) sink.accept(positions[pick[i0 + i]], logits, i * vocab);
        }
    }

    /** (dim) sum over the n rows of {@code h} of the final-RMSNorm output (what the output projection sees). */
    float[] normedSum(float[] h, int n) {
        int dim = c.dim();
        int b = Math.max(1, Math.min(blockTokens, n));
        float[] x = new float[b * dim];
        double[] acc = new double[dim];
        for (int i0 = 0; i0 < n; i0 += b) {
            int m = Math.min(b, n - i0);
            System.arraycopy(h, i0 * dim, x, 0, m * dim);
            kernels.rmsnorm(x, w.finalNorm(), c.normEps(), m, x);
            for (int i = 0; i < m; i++) for (int d = 0; d < dim; d++) acc[d] += x[i * dim + d];
        }
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) out[d] = (float) acc[d];
        return out;
    }
}
