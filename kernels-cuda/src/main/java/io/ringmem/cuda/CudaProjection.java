package io.ringmem.cuda;

import io.ringmem.backend.Projection;

/**
 * q (n, heads, headDim), k and v (n, kvHeads, headDim) in device memory. The host views are copied once, on first
 * request, and cached.
 */
final class CudaProjection implements Projection {
    final CudaDeviceModel owner;
    final DeviceBuffer q;
    final DeviceBuffer k;
    final DeviceBuffer v;
    private final int n;
    private float[] qHost;
    private float[] kHost;
    private float[] vHost;

    CudaProjection(CudaDeviceModel owner, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, int n) {
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
        if (qHost == null) qHost = owner.toHost(q, n * owner.config().qDim());
        return qHost;
    }

    @Override
    public float[] keysToHost() {
        if (kHost == null) kHost = owner.toHost(k, n * owner.config().kvDim());
        return kHost;
    }

    @Override
    public float[] valuesToHost() {
        if (vHost == null) vHost = owner.toHost(v, n * owner.config().kvDim());
        return vHost;
    }

    @Override
    public void close() {
        owner.release(q);
        owner.release(k);
        owner.release(v);
    }
}
