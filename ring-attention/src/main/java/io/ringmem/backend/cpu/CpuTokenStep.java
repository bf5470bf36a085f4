package io.ringmem.backend.cpu;

import io.ringmem.backend.TokenStep;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;

/**
 * The CPU's {@link TokenStep}: every buffer of a one-token step allocated here, once per sequence, and reused by
 * every layer and token. The kernel calls are those of {@link CpuBlock#project}, {@link CpuBlock#finish} and
 * {@link CpuDeviceModel#logits} for one token, so results are bitwise theirs. Thread-confined.
 */
final class CpuTokenStep implements TokenStep {
    private final CpuDeviceModel model;
    private final ModelConfig c;
    private final float[] h;    // (dim) hidden state
    private final float[] x;    // (dim) normed copy
    private final float[] y;    // (dim) projection output
    private final float[] q;    // (heads, headDim)
    private final float[] k;    // (kvHeads, headDim)
    private final float[] v;    // (kvHeads, headDim)
    private final float[] gate; // (hiddenDim)
    private final float[] up;   // (hiddenDim)
    private boolean loaded;
    private boolean projected;

    CpuTokenStep(CpuDeviceModel model) {
        this.model = model;
        this.c = model.config();
        this.h = new float[c.dim()];
        this.x = new float[c.dim()];
        this.y = new float[c.dim()];
        this.q = new float[c.qDim()];
        this.k = new float[c.kvDim()];
        this.v = new float[c.kvDim()];
        this.gate = new float[c.hiddenDim()];
        this.up = new float[c.hiddenDim()];
    }

    @Override
    public void load(float[] row) {
        if (row.length < c.dim()) throw new IllegalArgumentException("row holds fewer than " + c.dim() + " floats");
        System.arraycopy(row, 0, h, 0, c.dim());
        loaded = true;
        projected = false;
    }

    @Override
    public void project(int layer, RotaryAngles angles) {
        requireLoaded();
        model.block(layer).projectOne(h, angles, x, q, k, v);
        projected = true;
    }

    @Override
    public float[] keys() {
        requireProjected();
        return k;
    }

    @Override
    public float[] values() {
        requireProjected();
        return v;
    }

    @Override
    public void attend(int[] qPos, float[] keys, float[] values, int[] kPos, int nk, boolean causal, float[] out,
                       float[] lse) {
        requireProjected();
        model.kernels().attention(model.shape(), q, qPos, 1, keys, values, kPos, nk, causal, out, lse);
    }

    @Override
    public void finish(int layer, float[] attn) {
        requireLoaded();
        if (attn.length < c.qDim()) throw new IllegalArgumentException("attn holds fewer than " + c.qDim() + " floats");
        model.block(layer).finishOne(h, attn, y, x, gate, up);
        projected = false;
    }

    @Override
    public void logits(float[] out) {
        requireLoaded();
        System.arraycopy(h, 0, x, 0, c.dim());
        model.kernels().rmsnorm(x, model.weights().finalNorm(), c.normEps(), 1, x);
        model.kernels().matmul(x, 1, model.weights().output(), out);
    }

    private void requireLoaded() {
        if (!loaded) throw new IllegalStateException("no token loaded");
    }

    private void requireProjected() {
        if (!projected) throw new IllegalStateException("no projection: call project first");
    }
}
