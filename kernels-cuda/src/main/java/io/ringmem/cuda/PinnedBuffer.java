package io.ringmem.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Page-locked host memory (cuMemAllocHost), the source of asynchronous host-to-device copies: a copy from pageable
 * memory would be synchronous and could not overlap a kernel. Callers are inside {@link CudaContext#call}; before
 * refilling a buffer whose previous copy may still be in flight, wait for that copy's event.
 */
final class PinnedBuffer implements AutoCloseable {
    private final Pointer host = new Pointer();
    private final long bytes;
    private boolean closed;

    PinnedBuffer(long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("pinned buffer of " + bytes + " bytes");
        this.bytes = bytes;
        JCudaDriver.cuMemAllocHost(host, bytes);
    }

    /** Writes {@code count} floats of {@code src} from {@code offset} on, at byte {@code at}. */
    void put(long at, float[] src, int offset, int count) {
        check(at + 4L * count);
        FloatBuffer f = host.getByteBuffer(at, 4L * count).order(ByteOrder.nativeOrder()).asFloatBuffer();
        f.put(src, offset, count);
    }

    /** Writes {@code count} ints of {@code src} from {@code offset} on, at byte {@code at}. */
    void put(long at, int[] src, int offset, int count) {
        check(at + 4L * count);
        IntBuffer b = host.getByteBuffer(at, 4L * count).order(ByteOrder.nativeOrder()).asIntBuffer();
        b.put(src, offset, count);
    }

    /** Enqueues a copy of bytes [from, from + count) to {@code dst} on {@code stream}. */
    void copyTo(CUdeviceptr dst, long from, long count, CUstream stream) {
        check(from + count);
        JCudaDriver.cuMemcpyHtoDAsync(dst, host.withByteOffset(from), count, stream);
    }

    private void check(long n) {
        if (closed) throw new IllegalStateException("pinned buffer used after close");
        if (n > bytes) throw new IllegalArgumentException(n + " bytes do not fit a pinned buffer of " + bytes);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuMemFreeHost(host);
    }
}
