package io.ringmem.model;

/**
 * Shape and hyper-parameters of a Llama-family decoder. Validated on construction.
 *
 * @param dim          hidden size
 * @param hiddenDim    feed-forward (SwiGLU) inner size
 * @param layers       number of transformer blocks
 * @param heads        query heads
 * @param kvHeads      key/value heads (GQA when fewer than {@code heads}; must divide it)
 * @param headDim      per-head size (usually dim / heads)
 * @param vocabSize    vocabulary size (rows of the embedding and of the output matrix)
 * @param maxPositions the context the model was trained for; longer inputs are allowed but reported
 * @param normEps      RMSNorm epsilon
 * @param ropeTheta    RoPE base
 * @param ropeLayout   which dimensions RoPE pairs
 * @param ropeScaling  Llama-3 frequency scaling, or null for none
 */
public record ModelConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int headDim, int vocabSize,
                          int maxPositions, float normEps, double ropeTheta, RopeLayout ropeLayout,
                          RopeScaling ropeScaling) {
    public ModelConfig {
        requirePositive("dim", dim);
        requirePositive("hiddenDim", hiddenDim);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("kvHeads", kvHeads);
        requirePositive("headDim", headDim);
        requirePositive("vocabSize", vocabSize);
        requirePositive("maxPositions", maxPositions);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("headDim must be even for RoPE, got " + headDim);
        if (!(normEps > 0)) throw new IllegalArgumentException("normEps must be positive, got " + normEps);
        if (!(ropeTheta > 0)) throw new IllegalArgumentException("ropeTheta must be positive, got " + ropeTheta);
        if (ropeLayout == null) throw new IllegalArgumentException("ropeLayout is required");
    }

    private static void requirePositive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    /** Width of the query projection: heads × headDim. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of each of the key and value projections: kvHeads × headDim. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Query heads per KV head. */
    public int groupSize() {
        return heads / kvHeads;
    }
}
