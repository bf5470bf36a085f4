package io.ringmem.kernel;

/**
 * Head layout of an attention call. Query head h reads KV head {@code h / (heads / kvHeads)} (GQA).
 *
 * @param scale multiplier of q·k, usually 1/sqrt(headDim)
 */
public record AttentionShape(int heads, int kvHeads, int headDim, float scale) {
    public AttentionShape {
        if (heads <= 0 || kvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("attention shape must be positive: " + heads + "/" + kvHeads + "/" + headDim);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
    }

    public static AttentionShape of(int heads, int kvHeads, int headDim) {
        return new AttentionShape(heads, kvHeads, headDim, (float) (1.0 / Math.sqrt(headDim)));
    }

    public int groupSize() {
        return heads / kvHeads;
    }
}
