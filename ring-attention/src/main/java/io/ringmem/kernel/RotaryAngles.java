package io.ringmem.kernel;

import io.ringmem.model.RopeLayout;

/**
 * Precomputed rotation for a block of tokens: cos and sin (n, half) where half = headDim / 2, pair i of token t
 * rotated by angle {@code position[t] · invFreq[i]}. Computed once per forward block and shared by Q and K of
 * every layer.
 */
public record RotaryAngles(float[] cos, float[] sin, int n, int half, RopeLayout layout) {
    public RotaryAngles {
        if (cos.length < n * half || sin.length < n * half) {
            throw new IllegalArgumentException("angle tables shorter than (" + n + ", " + half + ")");
        }
    }

    public int headDim() {
        return 2 * half;
    }
}
