package io.ringmem.backend.cpu;

import io.ringmem.backend.Activations;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.backend.TokenStep;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU's resident model: the weights where they are (mapped or off-heap), handles over heap arrays, every
 * operation a sequence of {@link Kernels} calls. It computes exactly what the forward pass computed before the seam
 * existed, so for the same kernels the results are bitwise the same. Thread-safe.
 */
final class CpuDeviceModel implements DeviceModel {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final AttentionShape shape;
    private final List<CpuBlock> blocks;

    CpuDeviceModel(ModelConfig config, ModelWeights weights, Kernels kernels) {
        weights.validate(config);
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
        this.shape = AttentionShape.of(config.heads(), config.kvHeads(), config.headDim());
        List<CpuBlock> list = new ArrayList<>(config.layers());
        for (int l = 0; l < config.layers(); l++) list.add(new CpuBlock(config, weights.layers().get(l), kernels));
        this.blocks = List.copyOf(list);
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public Activations load(float[] rows, int n) {
        if (rows.length < n * c.dim()) throw new IllegalArgumentException("rows hold fewer than (" + n + ", " + c.dim() + ")");
        return new CpuActivations(this, rows, n);
    }

    @Override
    public Projection project(int layer, Activations h, RotaryAngles angles, int blockTokens) {
        CpuActivations a = own(h);
        return blocks.get(layer).project(a.data(), a.tokens(), angles, blockTokens, this, a.scratch());
    }

    @Override
    public void attendOwn(Projection qkv, int[] pos, boolean causal, float[] out, float[] lse) {
        CpuProjection p = own(qkv);
        kernels.attention(shape, p.queries(), pos, p.tokens(), p.keysToHost(), p.valuesToHost(), pos, p.tokens(),
                causal, out, lse);
    }

    @Override
    public void attend(Projection qkv, int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal,
                       float[] out, float[] lse) {
        CpuProjection p = own(qkv);
        kernels.attention(shape, p.queries(), qPos, p.tokens(), k, v, kPos, nk, causal, out, lse);
    }

    @Override
    public void finish(int layer, Activations h, float[] attn, int blockTokens) {
        CpuActivations a = own(h);
        blocks.get(layer).finish(a.data(), a.tokens(), attn, blockTokens, a.scratch());
    }

    @Override
    public void logits(Activations h, int[] rows, int count, float[] out) {
        float[] data = own(h).data();
        int dim = c.dim();
        float[] x = new float[count * dim]; // (count, dim)
        for (int i = 0; i < count; i++) System.arraycopy(data, rows[i] * dim, x, i * dim, dim);
        kernels.rmsnorm(x, w.finalNorm(), c.normEps(), count, x);
        kernels.matmul(x, count, w.output(), out);
    }

    @Override
    public float[] normedSum(Activations h, int blockTokens) {
        CpuActivations a = own(h);
        float[] data = a.data();
        int dim = c.dim(), n = a.tokens();
        int b = Math.max(1, Math.min(blockTokens, n));
        float[] x = new float[b * dim];
        double[] acc = new double[dim];
        for (int i0 = 0; i0 < n; i0 += b) {
            int m = Math.min(b, n - i0);
            System.arraycopy(data, i0 * dim, x, 0, m * dim);
            kernels.rmsnorm(x, w.finalNorm(), c.normEps(), m, x);
            for (int i = 0; i < m; i++) for (int d = 0; d < dim; d++) acc[d] += x[i * dim + d];
        }
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) out[d] = (float) acc[d];
        return out;
    }

    @Override
    public float[] download(Activations h) {
        CpuActivations a = own(h);
        float[] copy = new float[a.tokens() * c.dim()];
        System.arraycopy(a.data(), 0, copy, 0, copy.length);
        return copy;
    }

    @Override
    public TokenStep tokenStep() {
        return new CpuTokenStep(this);
    }

    /** Layer {@code layer}'s block, for {@link CpuTokenStep}. */
    CpuBlock block(int layer) {
        return blocks.get(layer);
    }

    Kernels kernels() {
        return kernels;
    }

    AttentionShape shape() {
        return shape;
    }

    ModelWeights weights() {
        return w;
    }

    @Override
    public void close() {
        // the weights belong to the loaded model; nothing was copied
    }

    private CpuActivations own(Activations h) {
        if (h instanceof CpuActivations a && a.owner == this) return a;
        throw new IllegalArgumentException("activations from another backend or model");
    }

    private CpuProjection own(Projection p) {
        if (p instanceof CpuProjection q && q.owner == this) return q;
        throw new IllegalArgumentException("projection from another backend or model");
    }
}
