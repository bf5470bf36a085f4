package io.ringmem.model;

import io.ringmem.tensor.Matrix;

import java.util.List;

/**
 * All weights of a Llama-family model in fp32.
 *
 * @param embedding (vocab, dim) token embedding table
 * @param layers    one entry per block
 * @param finalNorm (dim) RMSNorm weight before the output projection
 * @param output    (vocab, dim) output projection; the same object as {@code embedding} when tied
 */
public record ModelWeights(Matrix embedding, List<LayerWeights> layers, float[] finalNorm, Matrix output) {
    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /** Checks every tensor against {@code config}; throws {@link IllegalArgumentException} naming the first mismatch. */
    public void validate(ModelConfig c) {
        check("embedding", embedding, c.vocabSize(), c.dim());
        check("output", output, c.vocabSize(), c.dim());
        if (finalNorm.length != c.dim()) throw new IllegalArgumentException("final norm has " + finalNorm.length + " values, expected " + c.dim());
        if (layers.size() != c.layers()) throw new IllegalArgumentException(layers.size() + " layers, config says " + c.layers());
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights l = layers.get(i);
            String p = "layer " + i + " ";
            check(p + "wq", l.wq(), c.qDim(), c.dim());
            check(p + "wk", l.wk(), c.kvDim(), c.dim());
            check(p + "wv", l.wv(), c.kvDim(), c.dim());
            check(p + "wo", l.wo(), c.dim(), c.qDim());
            check(p + "w1", l.w1(), c.hiddenDim(), c.dim());
            check(p + "w2", l.w2(), c.dim(), c.hiddenDim());
            check(p + "w3", l.w3(), c.hiddenDim(), c.dim());
            if (l.attnNorm().length != c.dim() || l.ffnNorm().length != c.dim()) {
                throw new IllegalArgumentException(p + "norm weights must have " + c.dim() + " values");
            }
        }
    }

    private static void check(String name, Matrix m, int rows, int cols) {
        if (m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(name + " has shape (" + m.rows() + ", " + m.cols()
                    + "), expected (" + rows + ", " + cols + ")");
        }
    }
}
