package io.ringmem.model.loader;

import io.ringmem.model.RopeScaling;

/**
 * Recovers Llama-3 RoPE scaling from the per-frequency factors llama.cpp stores in GGUF as {@code rope_freqs.weight}
 * (the converter computes {@code factor_i = invFreq_i / scaled(invFreq_i)} from the Hugging Face
 * {@code rope_scaling}). The scaled frequencies depend only on {@code factor} and the wavelength thresholds
 * {@code originalMax / lowFreqFactor} and {@code originalMax / highFreqFactor}, so with {@code originalMax} fixed the
 * two frequency factors are solved from the interpolated band and the result is checked against every factor.
 */
final class RopeFactors {
    private static final double TOLERANCE = 1e-3;

    private RopeFactors() {
    }

    /** The factors {@code scaling} gives for a head of {@code headDim} with base {@code theta}. */
    static float[] factors(RopeScaling scaling, int headDim, double theta) {
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            double inv = invFreq(i, headDim, theta);
            out[i] = (float) (inv / scaling.scale(inv));
        }
        return out;
    }

    /** Whether all factors are 1 (no scaling). */
    static boolean isIdentity(float[] factors) {
        for (float f : factors) {
            if (Math.abs(f - 1) > TOLERANCE) return false;
        }
        return true;
    }

    /**
     * The Llama-3 scaling with original context {@code originalMax} that reproduces {@code factors}, or null when no
     * such scaling does.
     */
    static RopeScaling fit(float[] factors, int headDim, double theta, int originalMax) {
        double factor = 1;
        for (float f : factors) factor = Math.max(factor, f);
        if (factor <= 1 + TOLERANCE) return null;
        int first = -1;
        int last = -1;
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] > 1 + TOLERANCE && factors[i] < factor * (1 - TOLERANCE)) {
                if (first < 0) first = i;
                last = i;
            }
        }
        RopeScaling candidate = null;
        if (first >= 0 && last > first) {
            double si = smooth(factors[first], factor);
            double sj = smooth(factors[last], factor);
            double ui = originalMax / wavelength(first, headDim, theta);
            double uj = originalMax / wavelength(last, headDim, theta);
            double span = (ui - uj) / (si - sj);
            double low = ui - si * span;
            candidate = tryMake(factor, low, low + span, originalMax);
        }
        if (candidate == null || !matches(candidate, factors, headDim, theta)) {
            candidate = tryMake(factor, 1, 4, originalMax); // Llama 3.x defaults
        }
        return candidate != null && matches(candidate, factors, headDim, theta) ? candidate : null;
    }

    private static RopeScaling tryMake(double factor, double low, double high, int originalMax) {
        try {
            return new RopeScaling(factor, low, high, originalMax);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean matches(RopeScaling s, float[] factors, int headDim, double theta) {
        float[] want = factors(s, headDim, theta);
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(want[i] - factors[i]) > TOLERANCE * Math.max(1, Math.abs(factors[i]))) return false;
        }
        return true;
    }

    /** The interpolation weight of a band factor: {@code f = 1 / ((1 - s) / factor + s)}. */
    private static double smooth(double f, double factor) {
        return (1 / f - 1 / factor) / (1 - 1 / factor);
    }

    private static double invFreq(int i, int headDim, double theta) {
        return 1.0 / Math.pow(theta, 2.0 * i / headDim);
    }

    private static double wavelength(int i, int headDim, double theta) {
        return 2 * Math.PI / invFreq(i, headDim, theta);
    }
}
