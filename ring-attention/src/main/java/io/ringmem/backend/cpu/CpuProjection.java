package io.ringmem.backend.cpu;

import io.ringmem.backend.Projection;

/**
 * q (n, heads, headDim), k and v (n, kvHeads, headDim) in heap arrays; the host views are the arrays themselves.
 * q belongs to the sequence's {@link CpuScratch}: on close it goes back there for the next layer, unless
 * {@link #queriesToHost()} handed it out (the caller may keep that array, so it is never reused).
 * Use after {@link #close()} throws, as it would be undefined on a device.
 */
final class CpuProjection implements Projection {
    final CpuDeviceModel owner;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final int n;
    private final CpuScratch scratch; // where q goes back on close when no caller took it
    private boolean queriesTaken;
    private volatile boolean closed;

    CpuProjection(CpuDeviceModel owner, float[] q, float[] k, float[] v, int n, CpuScratch scratch) {
        this.owner = owner;
        this.q = q;
        this.k = k;
        this.v = v;
        this.n = n;
        this.scratch = scratch;
    }

    @Override
    public int tokens() {
        return n;
    }

    @Override
    public float[] queriesToHost() {
        queriesTaken = true; // the caller may keep it: never reused
        return open(q);
    }

    /** The queries for this backend's own attention calls: not a host crossing, so q stays reusable. */
    float[] queries() {
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
        if (closed) return;
        closed = true; // the arrays themselves stay valid for whoever holds them
        if (!queriesTaken) scratch.giveBackQueries(q); // no one else holds q: the next layer reuses it
    }

    private float[] open(float[] a) {
        if (closed) throw new IllegalStateException("projection used after close");
        return a;
    }
}
