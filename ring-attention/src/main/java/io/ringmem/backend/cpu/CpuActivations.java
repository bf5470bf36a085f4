package io.ringmem.backend.cpu;

import io.ringmem.backend.Activations;

/** Hidden states (n, dim) in a heap array, for one {@link CpuDeviceModel}. */
final class CpuActivations implements Activations {
    final CpuDeviceModel owner;
    private final float[] data; // (n, dim)
    private final int n;
    private final CpuScratch scratch = new CpuScratch();
    private volatile boolean closed;

    CpuActivations(CpuDeviceModel owner, float[] data, int n) {
        this.owner = owner;
        this.data = data;
        this.n = n;
    }

    @Override
    public int tokens() {
        return n;
    }

    /** The backing array; throws once closed. */
    float[] data() {
        if (closed) throw new IllegalStateException("activations used after close");
        return data;
    }

    /** This sequence's reusable work arrays (thread-confined, like the handle). */
    CpuScratch scratch() {
        return scratch;
    }

    @Override
    public void close() {
        closed = true;
    }
}
