package io.ringmem.backend;

import io.ringmem.kernel.RotaryAngles;

/**
 * {@link TokenStep} over the block-level calls of any {@link DeviceModel}: what a backend without a native token
 * step gets. It allocates handles per call (a hidden state per token, a projection per layer), as decoding did
 * before token steps existed; results are those of the block-level calls.
 */
final class BlockTokenStep implements TokenStep {
    private final DeviceModel device;
    private final int[] rows = {0};
    private Activations h;
    private Projection qkv;

    BlockTokenStep(DeviceModel device) {
        this.device = device;
    }

    @Override
    public void load(float[] row) {
        close();
        h = device.load(row.clone(), 1);
    }

    @Override
    public void project(int layer, RotaryAngles angles) {
        closeProjection();
        qkv = device.project(layer, hidden(), angles, 1);
    }

    @Override
    public float[] keys() {
        return projection().keysToHost();
    }

    @Override
    public float[] values() {
        return projection().valuesToHost();
    }

    @Override
    public void attend(int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal, float[] out, float[] lse) {
        device.attend(projection(), qPos, k, v, kPos, nk, causal, out, lse);
    }

    @Override
    public void finish(int layer, float[] attn) {
        closeProjection();
        device.finish(layer, hidden(), attn, 1);
    }

    @Override
    public void logits(float[] out) {
        device.logits(hidden(), rows, 1, out);
    }

    @Override
    public void close() {
        closeProjection();
        if (h != null) h.close();
        h = null;
    }

    private void closeProjection() {
        if (qkv != null) qkv.close();
        qkv = null;
    }

    private Activations hidden() {
        if (h == null) throw new IllegalStateException("no token loaded");
        return h;
    }

    private Projection projection() {
        if (qkv == null) throw new IllegalStateException("no projection: call project first");
        return qkv;
    }
}
