package io.ringmem.backend.cpu;

import io.ringmem.backend.Projection;

/**
 * q (n, heads, headDim), k and v (n, kvHeads, headDim) in heap arrays; the host views are the arrays themselves.
 * Use after {@link #close()} throws, as it would be undefined on a device.
 */
final class CpuProjection implements Projection {
    final CpuDeviceModel owner;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final int n;
    private volatile boolean closed;

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
        return open(q);
    }

    @Override
    public float[] keysToHost() {
        return open(k);
    }

    @Override
    public float[] valuesToHost() {
        return open(v);
    }

    @Override
    public void close() {
        closed = true; // the arrays themselves stay valid for whoever holds them
    }

    private float[] open(float[] a) {
        if (closed) throw new IllegalStateException("projection used after close");
        return a;
    }
}
