package io.ringmem.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A block of device memory of a {@link CudaContext}. Every operation runs with the context current (callers are
 * inside {@link CudaContext#call}); copies are synchronous on the context's compute stream. Closing twice is
 * harmless; using a closed buffer throws {@link IllegalStateException}.
 */
final class DeviceBuffer implements AutoCloseable {
    private final CudaContext ctx;
    private final CUdeviceptr ptr = new CUdeviceptr();
    private final long bytes;
    private boolean closed;

    DeviceBuffer(CudaContext ctx, long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("device buffer of " + bytes + " bytes");
        this.ctx = ctx;
        this.bytes = bytes;
        JCudaDriver.cuMemAlloc(ptr, bytes);
        ctx.track(bytes);
    }

    /**
     * A handle that owns no device memory and belongs to no context, standing in for a buffer where only its
     * identity matters: the host-side tests of {@link CudaOps}'s launches. Any copy through it throws.
     */
    static DeviceBuffer unallocated(long bytes) {
        return new DeviceBuffer(bytes);
    }

    private DeviceBuffer(long bytes) {
        this.ctx = null;
        this.bytes = bytes;
        this.closed = false;
    }

    static DeviceBuffer floats(CudaContext ctx, long count) {
        return new DeviceBuffer(ctx, 4 * count);
    }

    static DeviceBuffer of(CudaContext ctx, float[] host, int count) {
        DeviceBuffer b = floats(ctx, Math.max(1, count));
        b.upload(host, count);
        return b;
    }

    static DeviceBuffer of(CudaContext ctx, int[] host, int count) {
        DeviceBuffer b = new DeviceBuffer(ctx, 4L * Math.max(1, count));
        if (count > 0) JCudaDriver.cuMemcpyHtoD(b.ptr(), Pointer.to(host), 4L * count);
        return b;
    }

    static DeviceBuffer of(CudaContext ctx, short[] host) {
        DeviceBuffer b = new DeviceBuffer(ctx, 2L * Math.max(1, host.length));
        if (host.length > 0) JCudaDriver.cuMemcpyHtoD(b.ptr(), Pointer.to(host), 2L * host.length);
        return b;
    }

    CUdeviceptr ptr() {
        if (closed) throw new IllegalStateException("device buffer used after close");
        return ptr;
    }

    long bytes() {
        return bytes;
    }

    void upload(float[] host, int count) {
        check(4L * count);
        requireContext();
        if (count > 0) JCudaDriver.cuMemcpyHtoD(ptr(), Pointer.to(host), 4L * count);
    }

    void download(float[] host, int count) {
        check(4L * count);
        ctx.syncCompute();
        if (count > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(host), ptr(), 4L * count);
    }

    void download(byte[] host, int count) {
        check(count);
        ctx.syncCompute();
        if (count > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(host), ptr(), count);
    }

    void download(int[] host, int count) {
        check(4L * count);
        ctx.syncCompute();
        if (count > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(host), ptr(), 4L * count);
    }

    /** Sets every byte to 0. */
    void zero() {
        requireContext();
        JCudaDriver.cuMemsetD8(ptr(), (byte) 0, bytes);
    }

    private void requireContext() {
        if (ctx == null) throw new IllegalStateException("an unallocated stand-in buffer has no device memory");
    }

    private void check(long n) {
        requireContext();
        if (n > bytes) throw new IllegalArgumentException(n + " bytes do not fit a device buffer of " + bytes);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (ctx == null) return;
        JCudaDriver.cuMemFree(ptr);
        ctx.track(-bytes);
    }
}
