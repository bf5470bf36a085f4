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
        for (int t = 0; t < n; t++) fill(positions[t], cos, sin, t * half);
        return new RotaryAngles(cos, sin, n, half, layout);
    }

    /** Angles of one token, in buffers the caller reuses (decoding): refill with {@link #fill(RotaryAngles, int)}. */
    public RotaryAngles oneToken() {
        int half = invFreq.length;
        return new RotaryAngles(new float[half], new float[half], 1, half, layout);
    }

    /**
     * Overwrites the tables of {@code one} (from {@link #oneToken()}) with the angles of {@code position}: the same
     * values {@link #angles} gives.
     */
    public void fill(RotaryAngles one, int position) {
        if (one.n() != 1 || one.half() != invFreq.length) throw new IllegalArgumentException("not a one-token table of this model");
        fill(position, one.cos(), one.sin(), 0);
    }

    private void fill(int position, float[] cos, float[] sin, int off) {
        for (int i = 0; i < invFreq.length; i++) {
            double a = position * invFreq[i];
            cos[off + i] = (float) Math.cos(a);
            sin[off + i] = (float) Math.sin(a);
        }
    }
}
