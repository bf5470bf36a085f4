package io.ringmem.kernel;

import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;

/**
 * Inverse frequencies of a model's rotary embedding: {@code invFreq[i] = theta^(-2i/headDim)}, optionally rescaled
 * Llama-3 style. Angles are computed in double precision (positions reach millions, where a float angle loses
 * several digits) and rounded to float only for the final cos/sin.
 */
public final class RopeTable {
    private final double[] invFreq; // (headDim / 2)
    private final RopeLayout layout;

    public RopeTable(ModelConfig config) {
        int half = config.headDim() / 2;
        this.layout = config.ropeLayout();
        this.invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
            invFreq[i] = config.ropeScaling() == null ? f : config.ropeScaling().scale(f);
        }
    }

    public RopeLayout layout() {
        return layout;
    }

    public double invFreq(int i) {
        return invFreq[i];
    }

    /** Angles for tokens at {@code positions[0 .. n)}. */
    public RotaryAngles angles(int[] positions, int n) {
        int half = invFreq.length;
        float[] cos = new float[n * half];
        float[] sin = new float[n * half];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < half; i++) {
                double a = positions[t] * invFreq[i];
                cos[t * half + i] = (float) Math.cos(a);
                sin[t * half + i] = (float) Math.sin(a);
            }
        }
        return new RotaryAngles(cos, sin, n, half, layout);
    }
}
