package io.ringmem.cuda;

import io.ringmem.kernel.AttentionShape;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.List;

/**
 * Ring attention's consumer side on one GPU: the queries stay on the device while KV blocks arrive from the host
 * one after another; block s+1 is copied on the context's copy stream into the free one of two device slots while
 * the attention kernel works on block s on the compute stream, and every partial {@code (out, lse)} is merged into
 * the running result on the device ({@code attn_merge}), so only the final result crosses back. Events order the
 * two streams: the compute stream waits for a slot's copy; the copy stream waits until the kernel that read a slot
 * has finished before refilling it; the host waits for a pinned staging buffer's previous copy before refilling it.
 *
 * <p>The exact merge makes the result independent of the block order (up to fp32 rounding). One pipeline serves
 * one query block at a time; callers are inside {@link CudaContext#call}. Not wired into {@code RingAttention} yet
 * (that needs an asynchronous form of the seam, see docs/gpu.md); used by the gpu tests and {@link GpuBench}.
 */
final class KvRingPipeline implements AutoCloseable {
    /** One KV block on the host: k, v (n, kvHeads, headDim), positions (n). */
    record HostBlock(float[] k, float[] v, int[] pos, int n) {
    }

    private final CudaContext ctx;
    private final CudaOps ops;
    private final AttentionShape shape;
    private final int maxTokens;
    private final DeviceBuffer[] kSlot = new DeviceBuffer[2];
    private final DeviceBuffer[] vSlot = new DeviceBuffer[2];
    private final DeviceBuffer[] pSlot = new DeviceBuffer[2];
    private final PinnedBuffer[] staging = new PinnedBuffer[2];
    private final CUevent[] copied = {new CUevent(), new CUevent()};
    private final CUevent[] consumed = {new CUevent(), new CUevent()};
    private final boolean[] inFlight = new boolean[2];

    KvRingPipeline(CudaContext ctx, AttentionShape shape, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be positive");
        this.ctx = ctx;
        this.ops = new CudaOps(ctx);
        this.shape = shape;
        this.maxTokens = maxTokens;
        long kv = (long) maxTokens * shape.kvHeads() * shape.headDim();
        for (int s = 0; s < 2; s++) {
            kSlot[s] = DeviceBuffer.floats(ctx, kv);
            vSlot[s] = DeviceBuffer.floats(ctx, kv);
            pSlot[s] = new DeviceBuffer(ctx, 4L * maxTokens);
            staging[s] = new PinnedBuffer(8 * kv + 4L * maxTokens);
            JCudaDriver.cuEventCreate(copied[s], 0);
            JCudaDriver.cuEventCreate(consumed[s], 0);
        }
    }

    /**
     * Attention of q (nq, heads, headDim) at positions qPos over all {@code blocks}, merged: writes out
     * (nq, heads, headDim) and lse (nq, heads) on the device.
     */
    void run(DeviceBuffer q, DeviceBuffer qPos, int nq, List<HostBlock> blocks, boolean causal, DeviceBuffer out,
             DeviceBuffer lse) {
        int rows = nq * shape.heads();
        try (DeviceBuffer partOut = DeviceBuffer.floats(ctx, (long) rows * shape.headDim());
             DeviceBuffer partLse = DeviceBuffer.floats(ctx, rows)) {
            ctx.launch("elementwise", "fill_f32", Launch.elementwise(rows), lse, (long) rows, Float.NEGATIVE_INFINITY);
            ctx.launch("elementwise", "fill_f32", Launch.elementwise((long) rows * shape.headDim()), out,
                    (long) rows * shape.headDim(), 0f);
            for (int s = 0; s < blocks.size(); s++) {
                HostBlock b = blocks.get(s);
                if (b.n() == 0) continue;
                int slot = s % 2;
                stage(b, slot);
                JCudaDriver.cuStreamWaitEvent(ctx.computeStream(), copied[slot], 0);
                ops.attention(shape, q, qPos, nq, kSlot[slot], vSlot[slot], pSlot[slot], b.n(), causal, partOut, partLse);
                JCudaDriver.cuEventRecord(consumed[slot], ctx.computeStream());
                ops.merge(out, lse, partOut, partLse, rows, shape.headDim());
            }
            ctx.syncCompute();
        }
    }

    /**
     * Host → pinned → device slot on the copy stream: the host first waits until the staging buffer's previous copy
     * is done, and the copy stream waits until the kernel that last read the slot has finished.
     */
    private void stage(HostBlock b, int slot) {
        if (b.n() > maxTokens) throw new IllegalArgumentException("block of " + b.n() + " tokens exceeds " + maxTokens);
        long kvBytes = 4L * b.n() * shape.kvHeads() * shape.headDim();
        int kv = (int) (kvBytes / 4);
        CUstream copy = ctx.copyStream();
        if (inFlight[slot]) JCudaDriver.cuEventSynchronize(copied[slot]);
        PinnedBuffer p = staging[slot];
        p.put(0, b.k(), 0, kv);
        p.put(kvBytes, b.v(), 0, kv);
        p.put(2 * kvBytes, b.pos(), 0, b.n());
        if (inFlight[slot]) JCudaDriver.cuStreamWaitEvent(copy, consumed[slot], 0);
        p.copyTo(kSlot[slot].ptr(), 0, kvBytes, copy);
        p.copyTo(vSlot[slot].ptr(), kvBytes, kvBytes, copy);
        p.copyTo(pSlot[slot].ptr(), 2 * kvBytes, 4L * b.n(), copy);
        JCudaDriver.cuEventRecord(copied[slot], copy);
        inFlight[slot] = true;
    }

    @Override
    public void close() {
        ctx.syncCompute();
        for (int s = 0; s < 2; s++) {
            kSlot[s].close();
            vSlot[s].close();
            pSlot[s].close();
            staging[s].close();
            JCudaDriver.cuEventDestroy(copied[s]);
            JCudaDriver.cuEventDestroy(consumed[s]);
        }
    }
}
