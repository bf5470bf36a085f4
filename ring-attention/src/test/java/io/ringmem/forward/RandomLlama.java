package io.ringmem.forward;

import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.tensor.Matrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random Llama weights (tied embeddings), scaled so activations stay O(1): for tests that need a shape. */
final class RandomLlama {
    private RandomLlama() {
    }

    static ModelWeights weights(ModelConfig c, long seed) {
        Random rnd = new Random(seed);
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
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = scale * (2 * rnd.nextFloat() - 1);
        return Matrix.of(a, rows, cols);
    }

    private static float[] norm(int dim, Random rnd) {
        float[] w = new float[dim];
        for (int i = 0; i < dim; i++) w[i] = 1 + 0.5f * (2 * rnd.nextFloat() - 1);
        return w;
    }
}
