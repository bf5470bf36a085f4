package io.ringmem.cuda;

import io.ringmem.backend.Activations;

/** Hidden states (n, dim) in device memory, for one {@link CudaDeviceModel}. */
final class CudaActivations implements Activations {
    final CudaDeviceModel owner;
    private final DeviceBuffer data; // (n, dim) fp32
    private final int n;

    CudaActivations(CudaDeviceModel owner, DeviceBuffer data, int n) {
        this.owner = owner;
        this.data = data;
        this.n = n;
    }

    @Override
    public int tokens() {
        return n;
    }

    DeviceBuffer data() {
        return data;
    }

    @Override
    public void close() {
        owner.release(data);
    }
}
