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
 * @param memoryTokens (M, dim) trained RMT memory embeddings (tensor {@code ringmem.memory_tokens}), or null when
 *                  the checkpoint has none; only segment mode uses them
 */
public record ModelWeights(Matrix embedding, List<LayerWeights> layers, float[] finalNorm, Matrix output,
                           Matrix memoryTokens) {
    /** The checkpoint tensor name of the memory embeddings, in safetensors and GGUF alike. */
    public static final String MEMORY_TOKENS = "ringmem.memory_tokens";

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /** Weights without memory tokens. */
    public ModelWeights(Matrix embedding, List<LayerWeights> layers, float[] finalNorm, Matrix output) {
        this(embedding, layers, finalNorm, output, null);
    }

    /** The same weights with {@code memory} (M, dim) as memory tokens (null removes them). */
    public ModelWeights withMemoryTokens(Matrix memory) {
        return new ModelWeights(embedding, layers, finalNorm, output, memory);
    }

    public boolean hasMemoryTokens() {
        return memoryTokens != null;
    }

    /** Checks every tensor against {@code config}; throws {@link IllegalArgumentException} naming the first mismatch. */
    public void validate(ModelConfig c) {
        check("embedding", embedding, c.vocabSize(), c.dim());
        check("output", output, c.vocabSize(), c.dim());
        if (finalNorm.length != c.dim()) {
            throw new IllegalArgumentException("final norm has " + finalNorm.length + " values, expected " + c.dim());
        }
        if (memoryTokens != null && (memoryTokens.rows() < 1 || memoryTokens.cols() != c.dim())) {
            throw new IllegalArgumentException(MEMORY_TOKENS + " has shape (" + memoryTokens.rows() + ", "
                    + memoryTokens.cols() + "), expected (M >= 1, " + c.dim() + ")");
        }
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
