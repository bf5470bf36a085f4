package io.ringmem.cuda;

import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random model of Llama-3-8B's block shapes (dim 4096, FFN 14336, 32 heads over 8 KV heads of 128) with fewer
 * layers and a smaller vocabulary, for benchmarks: weights N(0, 1/in) so activations stay in range.
 *
 * @param config  the shape
 * @param weights the weights (off-heap)
 */
record RandomModel(ModelConfig config, ModelWeights weights) {

    static RandomModel llama8bShaped(int layers, int vocab, long seed) {
        ModelConfig c = new ModelConfig(4096, 14336, layers, 32, 8, 128, vocab, 131_072, 1e-5f, 500_000,
                RopeLayout.ROTATE_HALF, null);
        SplittableRandom r = new SplittableRandom(seed);
        List<LayerWeights> ls = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            ls.add(new LayerWeights(ones(c.dim()), m(c.qDim(), c.dim(), r), m(c.kvDim(), c.dim(), r), m(c.kvDim(), c.dim(), r),
                    m(c.dim(), c.qDim(), r), ones(c.dim()), m(c.hiddenDim(), c.dim(), r), m(c.dim(), c.hiddenDim(), r),
                    m(c.hiddenDim(), c.dim(), r)));
        }
        Matrix emb = m(vocab, c.dim(), r);
        return new RandomModel(c, new ModelWeights(emb, ls, ones(c.dim()), emb));
    }

    private static Matrix m(int rows, int cols, SplittableRandom r) {
        float[] v = new float[rows * cols];
        float s = (float) (Math.sqrt(3.0 / cols)); // uniform(-s, s): variance 1/cols, cheaper than Gaussian
        for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * s);
        return Matrix.of(v, rows, cols);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }
}
