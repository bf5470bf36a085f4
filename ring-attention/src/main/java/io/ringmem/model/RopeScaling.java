package io.ringmem.model;

/**
 * Llama-3 style RoPE frequency scaling ({@code rope_scaling.rope_type = "llama3"}): wavelengths longer than
 * {@code originalMaxPositions / lowFreqFactor} are divided by {@code factor}, shorter than
 * {@code originalMaxPositions / highFreqFactor} are kept, and the band between is interpolated smoothly.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    public RopeScaling {
        if (!(factor >= 1.0)) throw new IllegalArgumentException("rope_scaling.factor must be >= 1, got " + factor);
        if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
            throw new IllegalArgumentException("rope_scaling needs 0 < low_freq_factor < high_freq_factor, got "
                    + lowFreqFactor + ", " + highFreqFactor);
        }
        if (originalMaxPositions <= 0) {
            throw new IllegalArgumentException("rope_scaling.original_max_position_embeddings must be positive");
        }
    }

    /** Scales one inverse frequency (radians per position), as Hugging Face's {@code _compute_llama3_parameters}. */
    public double scale(double invFreq) {
        double wavelen = 2 * Math.PI / invFreq;
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        if (wavelen < highFreqWavelen) return invFreq;
        if (wavelen > lowFreqWavelen) return invFreq / factor;
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * invFreq / factor + smooth * invFreq;
    }
}
