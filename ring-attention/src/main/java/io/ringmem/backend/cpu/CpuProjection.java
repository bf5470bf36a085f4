package io.ringmem.backend.cpu;

import io.ringmem.backend.Projection;

/** q (n, heads, headDim), k and v (n, kvHeads, headDim) in heap arrays; the host views are the arrays themselves. */
final class CpuProjection implements Projection {
    final CpuDeviceModel owner;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final int n;

    CpuProjection(CpuDeviceModel owner, float[] q, float[] k, float[] v, int n) {
        this.owner = owner;
        this.q = q;
        this.k = k;
        this.v = v;
        this.n = n;
    }

    @Override
    public int tokens() {
        return n;
    }

    @Override
    public float[] queriesToHost() {
        return q;
    }

    @Override
    public float[] keysToHost() {
        return k;
    }

    @Override
    public float[] valuesToHost() {
        return v;
    }

    @Override
    public void close() {
        // heap arrays: the garbage collector frees them once the host lets go of them too
    }
}
