package io.ringmem.kv;

/**
 * Asymmetric (min/max) uniform quantization shared by the codecs. A group of values with range [min, max] is
 * mapped to codes {@code q = round((x - min) / scale)} in {@code [0, L]} with {@code L = 2^bits - 1} and
 * {@code scale = (max - min) / L}; decoding gives {@code min + q·scale}. Both scale and min are kept in fp32, so
 * the reconstruction error of every element is at most {@code scale / 2} plus fp32 rounding of a few ulps of
 * {@code max(|min|, |max|)}. A constant group has scale 0 and decodes exactly.
 */
final class AsymQuant {
    private AsymQuant() {
    }

    /** (max - min) / levels, rejecting non-finite data (NaN or ∞ anywhere in the group makes min/max non-finite). */
    static float scale(float min, float max, int levels) {
        float s = (max - min) / levels;
        if (!Float.isFinite(min) || !Float.isFinite(max) || !Float.isFinite(s)) {
            throw new IllegalArgumentException("cannot quantize non-finite KV values (group range [" + min + ", " + max + "])");
        }
        return s;
    }

    static float inverse(float scale) {
        return scale == 0f ? 0f : 1f / scale;
    }

    /** The code of x, clamped to [0, levels]. NaN inputs are caught earlier by {@link #scale}. */
    static int code(float x, float min, float inv, int levels) {
        int q = (int) ((x - min) * inv + 0.5f);
        return q < 0 ? 0 : Math.min(q, levels);
    }
}
