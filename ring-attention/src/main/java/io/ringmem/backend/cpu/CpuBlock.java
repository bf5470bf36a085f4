package io.ringmem.backend.cpu;

import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;

/**
 * One Llama block on host arrays, split around attention: {@link #project} gives rotated q, k, v of
 * {@code rmsnorm(h)}; {@link #finish} adds the attention output projection and the SwiGLU feed-forward to the
 * residual stream. Work is batched over blocks of {@code blockTokens} tokens, so each weight row is streamed once
 * per block. Stateless apart from the shared read-only weights: thread-safe.
 */
final class CpuBlock {
    private final ModelConfig c;
    private final LayerWeights w;
    private final Kernels kernels;

    CpuBlock(ModelConfig config, LayerWeights weights, Kernels kernels) {
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
    }

    /**
     * Rotated projections of rmsnorm(h) for h (n, dim); null angles leave q and k unrotated. The block buffers and
     * q come from {@code scratch} (q goes back there when the projection is closed unless a caller took it); k and
     * v are always fresh arrays, since the ring and the KV cache keep them.
     */
    CpuProjection project(float[] h, int n, RotaryAngles angles, int blockTokens, CpuDeviceModel owner, CpuScratch scratch) {
        int dim = c.dim(), b = Math.min(blockTokens, n);
        float[] q = scratch.takeQueries(n * c.qDim()), k = new float[n * c.kvDim()], v = new float[n * c.kvDim()];
        float[] x = scratch.buffer(CpuScratch.Slot.X, b * dim);
        float[] qb = scratch.buffer(CpuScratch.Slot.Q_BLOCK, b * c.qDim());
        float[] kb = scratch.buffer(CpuScratch.Slot.K_BLOCK, b * c.kvDim());
        float[] vb = scratch.buffer(CpuScratch.Slot.V_BLOCK, b * c.kvDim());
        for (int t0 = 0; t0 < n; t0 += b) {
            int m = Math.min(b, n - t0);
            System.arraycopy(h, t0 * dim, x, 0, m * dim);
            kernels.rmsnorm(x, w.attnNorm(), c.normEps(), m, x);
            kernels.matmul(x, m, w.wq(), qb);
            kernels.matmul(x, m, w.wk(), kb);
            kernels.matmul(x, m, w.wv(), vb);
            System.arraycopy(qb, 0, q, t0 * c.qDim(), m * c.qDim());
            System.arraycopy(kb, 0, k, t0 * c.kvDim(), m * c.kvDim());
            System.arraycopy(vb, 0, v, t0 * c.kvDim(), m * c.kvDim());
        }
        if (angles != null) {
            kernels.rope(q, n, c.heads(), angles);
            kernels.rope(k, n, c.kvHeads(), angles);
        }
        return new CpuProjection(owner, q, k, v, n, scratch);
    }

    /**
     * h (n, dim) += attn (n, heads·headDim) · woᵀ, then h += w2 · (silu(w1 · x) ⊙ w3 · x), x = rmsnorm(h); the
     * block buffers come from {@code scratch} (every row read is written first in the same block).
     */
    void finish(float[] h, int n, float[] attn, int blockTokens, CpuScratch scratch) {
        int dim = c.dim(), hid = c.hiddenDim(), b = Math.min(blockTokens, n);
        float[] a = scratch.buffer(CpuScratch.Slot.ATTN, b * c.qDim()), y = scratch.buffer(CpuScratch.Slot.Y, b * dim);
        float[] x = scratch.buffer(CpuScratch.Slot.X, b * dim);
        float[] gate = scratch.buffer(CpuScratch.Slot.GATE, b * hid), up = scratch.buffer(CpuScratch.Slot.UP, b * hid);
        for (int t0 = 0; t0 < n; t0 += b) {
            int m = Math.min(b, n - t0), off = t0 * dim;
            System.arraycopy(attn, t0 * c.qDim(), a, 0, m * c.qDim());
            kernels.matmul(a, m, w.wo(), y);
            for (int i = 0; i < m * dim; i++) h[off + i] += y[i];
            System.arraycopy(h, off, x, 0, m * dim);
            kernels.rmsnorm(x, w.ffnNorm(), c.normEps(), m, x);
            kernels.matmul(x, m, w.w1(), gate);
            kernels.matmul(x, m, w.w3(), up);
            kernels.swiglu(gate, up, m * hid);
            kernels.matmul(gate, m, w.w2(), y);
            for (int i = 0; i < m * dim; i++) h[off + i] += y[i];
        }
    }

    /**
     * {@link #project} of one token into the caller's buffers: x (dim) scratch, q (qDim), k and v (kvDim) written.
     * The same kernel calls on the same values, so bitwise the same result.
     */
    void projectOne(float[] h, RotaryAngles angles, float[] x, float[] q, float[] k, float[] v) {
        System.arraycopy(h, 0, x, 0, c.dim());
        kernels.rmsnorm(x, w.attnNorm(), c.normEps(), 1, x);
        kernels.matmul(x, 1, w.wq(), q);
        kernels.matmul(x, 1, w.wk(), k);
        kernels.matmul(x, 1, w.wv(), v);
        if (angles != null) {
            kernels.rope(q, 1, c.heads(), angles);
            kernels.rope(k, 1, c.kvHeads(), angles);
        }
    }

    /** {@link #finish} of one token with the caller's scratch: y, x (dim), gate, up (hiddenDim). */
    void finishOne(float[] h, float[] attn, float[] y, float[] x, float[] gate, float[] up) {
        int dim = c.dim();
        kernels.matmul(attn, 1, w.wo(), y);
        for (int i = 0; i < dim; i++) h[i] += y[i];
        System.arraycopy(h, 0, x, 0, dim);
        kernels.rmsnorm(x, w.ffnNorm(), c.normEps(), 1, x);
        kernels.matmul(x, 1, w.w1(), gate);
        kernels.matmul(x, 1, w.w3(), up);
        kernels.swiglu(gate, up, c.hiddenDim());
        kernels.matmul(gate, 1, w.w2(), y);
        for (int i = 0; i < dim; i++) h[i] += y[i];
    }
}
