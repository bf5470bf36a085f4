package io.ringmem.model.loader;

import io.ringmem.model.ModelWeights;
import io.ringmem.tensor.Matrix;

/**
 * Loads the optional RMT memory embeddings {@value ModelWeights#MEMORY_TOKENS}: shape (M, dim) outermost first
 * (GGUF lists it innermost first, {@code [dim, M]}), any element type the converter supports (fp32, f16, bf16, …).
 * Absent means the model has no memory tokens; a present tensor of another shape is an error naming it.
 */
final class MemoryTokens {
    private MemoryTokens() {
    }

    /** @return (M, dim) memory embeddings, or null when {@code t} is null */
    static Matrix load(TensorConverter conv, StoredTensor t, int dim) {
        if (t == null) return null;
        long[] shape = t.shapeOfRank(2);
        if (shape.length != 2 || shape[0] < 1 || shape[0] > Integer.MAX_VALUE || shape[1] != dim) {
            throw Fail.at(t.file(), "tensor " + t.name() + " has shape " + t.shapeText()
                    + ", expected [M, " + dim + "] (M memory tokens of the model width " + dim + ")");
        }
        return conv.matrix(t, (int) shape[0], dim);
    }
}
