package io.ringmem.cuda;

import io.ringmem.backend.Activations;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model resident on one GPU: every weight uploaded once (matrices in bf16 for the tensor-core GEMM, or fp32),
 * activations and projections in device memory, each seam call a short sequence of kernel launches on the
 * context's compute stream. Only the crossings of {@link DeviceModel} move data. Thread-safe: device work is
 * serialized on the context (see {@link CudaContext}); {@code blockTokens} is ignored (the device takes whole
 * blocks). Not guaranteed: results bitwise equal to the CPU backends (fp32 within 1e-3 of the reference on the
 * models of the test data, bf16 weights within the tolerances of docs/gpu.md).
 */
final class CudaDeviceModel implements DeviceModel {
    private final CudaContext ctx;
    private final CudaOps ops;
    private final ModelConfig c;
    private final AttentionShape shape;
    private final List<CudaLayer> layers;
    private final DeviceBuffer finalNorm;
    private final DeviceWeights output;

    CudaDeviceModel(CudaContext ctx, ModelConfig config, ModelWeights weights, boolean bf16) {
        weights.validate(config);
        AttentionKernel.forHeadDim(config.headDim());
        this.ctx = ctx;
        this.ops = new CudaOps(ctx);
        this.c = config;
        this.shape = AttentionShape.of(config.heads(), config.kvHeads(), config.headDim());
        List<CudaLayer> list = new ArrayList<>();
        this.layers = list;
        this.finalNorm = ctx.call(() -> {
            for (int l = 0; l < config.layers(); l++) list.add(CudaLayer.upload(ctx, weights.layers().get(l), bf16));
            return DeviceBuffer.of(ctx, weights.finalNorm(), config.dim());
        });
        this.output = ctx.call(() -> DeviceWeights.upload(ctx, weights.output(), bf16));
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public Activations load(float[] rows, int n) {
        if (n < 1 || rows.length < n * c.dim()) throw new IllegalArgumentException("rows hold fewer than (" + n + ", " + c.dim() + ")");
        return ctx.call(() -> new CudaActivations(this, DeviceBuffer.of(ctx, rows, n * c.dim()), n));
    }

    @Override
    public Projection project(int layer, Activations h, RotaryAngles angles, int blockTokens) {
        CudaActivations a = own(h);
        CudaLayer w = layers.get(layer);
        int n = a.tokens();
        if (angles != null && (angles.n() < n || angles.headDim() != c.headDim())) {
            throw new IllegalArgumentException("rotary angles (" + angles.n() + ", " + angles.half() + ") do not cover " + n + " tokens");
        }
        return ctx.call(() -> {
            List<DeviceBuffer> made = new ArrayList<>(3); // freed again if anything below fails
            try (DeviceBuffer x = DeviceBuffer.floats(ctx, (long) n * c.dim())) {
                DeviceBuffer q = add(made, DeviceBuffer.floats(ctx, (long) n * c.qDim()));
                DeviceBuffer k = add(made, DeviceBuffer.floats(ctx, (long) n * c.kvDim()));
                DeviceBuffer v = add(made, DeviceBuffer.floats(ctx, (long) n * c.kvDim()));
                ops.rmsnorm(a.data(), w.attnNorm(), c.normEps(), n, c.dim(), x);
                ops.gemm(x, n, w.wq(), q, false);
                ops.gemm(x, n, w.wk(), k, false);
                ops.gemm(x, n, w.wv(), v, false);
                if (angles != null) {
                    int half = angles.half();
                    try (DeviceBuffer cos = DeviceBuffer.of(ctx, angles.cos(), n * half);
                         DeviceBuffer sin = DeviceBuffer.of(ctx, angles.sin(), n * half)) {
                        ops.rope(q, n, c.heads(), half, cos, sin, angles.layout());
                        ops.rope(k, n, c.kvHeads(), half, cos, sin, angles.layout());
                        ctx.syncCompute(); // cos and sin are freed at the end of this block
                    }
                }
                ctx.syncCompute();
                return new CudaProjection(this, q, k, v, n);
            } catch (RuntimeException e) {
                for (DeviceBuffer b : made) b.close();
                throw e;
            }
        });
    }

    private static DeviceBuffer add(List<DeviceBuffer> made, DeviceBuffer b) {
        made.add(b);
        return b;
    }

    @Override
    public void attendOwn(Projection qkv, int[] pos, boolean causal, float[] out, float[] lse) {
        CudaProjection p = own(qkv);
        int n = p.tokens();
        ctx.run(() -> {
            try (DeviceBuffer posD = DeviceBuffer.of(ctx, pos, n)) {
                attention(p, posD, p.k, p.v, posD, n, causal, out, lse);
            }
        });
    }

    @Override
    public void attend(Projection qkv, int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal,
                       float[] out, float[] lse) {
        CudaProjection p = own(qkv);
        int n = p.tokens();
        if (nk == 0) {
            Arrays.fill(out, 0, n * c.qDim(), 0f);
            Arrays.fill(lse, 0, n * c.heads(), Float.NEGATIVE_INFINITY);
            return;
        }
        ctx.run(() -> {
            try (DeviceBuffer qp = DeviceBuffer.of(ctx, qPos, n); DeviceBuffer kp = DeviceBuffer.of(ctx, kPos, nk);
                 DeviceBuffer kd = DeviceBuffer.of(ctx, k, nk * c.kvDim()); DeviceBuffer vd = DeviceBuffer.of(ctx, v, nk * c.kvDim())) {
                attention(p, qp, kd, vd, kp, nk, causal, out, lse);
            }
        });
    }

    private void attention(CudaProjection p, DeviceBuffer qPos, DeviceBuffer k, DeviceBuffer v, DeviceBuffer kPos, int nk,
                           boolean causal, float[] out, float[] lse) {
        int n = p.tokens();
        try (DeviceBuffer o = DeviceBuffer.floats(ctx, (long) n * c.qDim());
             DeviceBuffer l = DeviceBuffer.floats(ctx, (long) n * c.heads())) {
            ops.attention(shape, p.q, qPos, n, k, v, kPos, nk, causal, o, l);
            o.download(out, n * c.qDim());
            l.download(lse, n * c.heads());
        }
    }

    @Override
    public void finish(int layer, Activations h, float[] attn, int blockTokens) {
        CudaActivations a = own(h);
        CudaLayer w = layers.get(layer);
        int n = a.tokens();
        ctx.run(() -> {
            try (DeviceBuffer at = DeviceBuffer.of(ctx, attn, n * c.qDim());
                 DeviceBuffer x = DeviceBuffer.floats(ctx, (long) n * c.dim());
                 DeviceBuffer gate = DeviceBuffer.floats(ctx, (long) n * c.hiddenDim());
                 DeviceBuffer up = DeviceBuffer.floats(ctx, (long) n * c.hiddenDim())) {
                ops.gemm(at, n, w.wo(), a.data(), true);                         // h += attn · woᵀ
                ops.rmsnorm(a.data(), w.ffnNorm(), c.normEps(), n, c.dim(), x);  // x = rmsnorm(h)
                ops.gemm(x, n, w.w1(), gate, false);
                ops.gemm(x, n, w.w3(), up, false);
                ops.swiglu(gate, up, (long) n * c.hiddenDim());
                ops.gemm(gate, n, w.w2(), a.data(), true);                       // h += w2 · (silu(w1x) ⊙ w3x)
                ctx.syncCompute();
            }
        });
    }

    @Override
    public void logits(Activations h, int[] rows, int count, float[] out) {
        CudaActivations a = own(h);
        for (int i = 0; i < count; i++) {
            if (rows[i] < 0 || rows[i] >= a.tokens()) {
                throw new IllegalArgumentException("row " + rows[i] + " outside [0, " + a.tokens() + ")");
            }
        }
        if (count == 0) return;
        ctx.run(() -> {
            try (DeviceBuffer r = DeviceBuffer.of(ctx, rows, count); DeviceBuffer x = DeviceBuffer.floats(ctx, (long) count * c.dim());
                 DeviceBuffer y = DeviceBuffer.floats(ctx, (long) count * c.vocabSize())) {
                ops.gatherRows(a.data(), r, count, c.dim(), x);
                ops.rmsnorm(x, finalNorm, c.normEps(), count, c.dim(), x);
                ops.gemm(x, count, output, y, false);
                y.download(out, count * c.vocabSize());
            }
        });
    }

    @Override
    public float[] normedSum(Activations h, int blockTokens) {
        CudaActivations a = own(h);
        int n = a.tokens(), dim = c.dim();
        float[] host = new float[n * dim];
        ctx.run(() -> {
            try (DeviceBuffer x = DeviceBuffer.floats(ctx, (long) n * dim)) {
                ops.rmsnorm(a.data(), finalNorm, c.normEps(), n, dim, x);
                x.download(host, n * dim);
            }
        });
        double[] acc = new double[dim];
        for (int i = 0; i < n; i++) for (int d = 0; d < dim; d++) acc[d] += host[i * dim + d];
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) out[d] = (float) acc[d];
        return out;
    }

    @Override
    public float[] download(Activations h) {
        CudaActivations a = own(h);
        return toHost(a.data(), a.tokens() * c.dim());
    }

    float[] toHost(DeviceBuffer b, int count) {
        float[] out = new float[count];
        ctx.run(() -> b.download(out, count));
        return out;
    }

    void release(DeviceBuffer b) {
        ctx.runIfOpen(b::close); // handles die with the model: late closes are harmless
    }

    @Override
    public void close() {
        ctx.runIfOpen(() -> { // after the backend (and its context) closed, the memory is gone already
            for (CudaLayer l : layers) l.close();
            finalNorm.close();
            output.close();
        });
    }

    private CudaActivations own(Activations h) {
        if (h instanceof CudaActivations a && a.owner == this) return a;
        throw new IllegalArgumentException("activations from another backend or model");
    }

    private CudaProjection own(Projection p) {
        if (p instanceof CudaProjection q && q.owner == this) return q;
        throw new IllegalArgumentException("projection from another backend or model");
    }
}
