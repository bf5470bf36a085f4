package io.ringmem.segment;

import io.ringmem.kernel.RopeTable;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.Arrays;

/**
 * The RMT oracle for tests: one plain single-rank forward over the explicit sequence
 * {@code [read memory (M) | segment (S) | write memory (M)]}, causal in that order, with rotary positions only on
 * segment tokens (their document positions) and none on memory tokens. Written with {@link ScalarKernels}
 * primitives and a naive attention loop in double precision; no ring, no carried context, no merges.
 */
final class MemoryReference {
    /** @param nll (S) NLL of the token after each segment token (NaN where there is none); memory (M, dim) written */
    record Step(double[] nll, float[] memory) {
    }

    private final ModelConfig c;
    private final ModelWeights w;
    private final ScalarKernels k = new ScalarKernels();
    private final RopeTable rope;

    MemoryReference(ModelConfig config, ModelWeights weights) {
        this.c = config;
        this.w = weights;
        this.rope = new RopeTable(config);
    }

    /** One segment: tokens ids[start, end) with read memory (m, dim); scores ids[start+1 .. end] when present. */
    Step segment(int[] ids, int start, int end, float[] memory, int m) {
        int dim = c.dim(), s = end - start, t = m + s + m;
        float[] h = new float[t * dim]; // (T, dim): read memory, segment embeddings, write memory
        System.arraycopy(memory, 0, h, 0, m * dim);
        for (int i = 0; i < s; i++) w.embedding().copyRow(ids[start + i], h, (m + i) * dim);
        System.arraycopy(memory, 0, h, (m + s) * dim, m * dim);
        int[] pos = new int[s];
        for (int i = 0; i < s; i++) pos[i] = start + i;
        RotaryAngles angles = rope.angles(pos, s);
        for (LayerWeights lw : w.layers()) layer(lw, h, t, m, s, angles);
        double[] nll = new double[s];
        float[] x = new float[dim], logits = new float[c.vocabSize()];
        for (int i = 0; i < s; i++) {
            if (start + i + 1 >= ids.length) {
                nll[i] = Double.NaN;
                continue;
            }
            System.arraycopy(h, (m + i) * dim, x, 0, dim);
            k.rmsnorm(x, w.finalNorm(), c.normEps(), 1, x);
            k.matmul(x, 1, w.output(), logits);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits) max = Math.max(max, l);
            for (float l : logits) sum += Math.exp(l - max);
            nll[i] = max + Math.log(sum) - logits[ids[start + i + 1]];
        }
        return new Step(nll, Arrays.copyOfRange(h, (m + s) * dim, t * dim));
    }

    private void layer(LayerWeights lw, float[] h, int t, int m, int s, RotaryAngles angles) {
        int dim = c.dim(), qd = c.qDim(), kvd = c.kvDim(), hd = c.headDim();
        float[] x = new float[t * dim], q = new float[t * qd], kk = new float[t * kvd], v = new float[t * kvd];
        k.rmsnorm(h, lw.attnNorm(), c.normEps(), t, x);
        k.matmul(x, t, lw.wq(), q);
        k.matmul(x, t, lw.wk(), kk);
        k.matmul(x, t, lw.wv(), v);
        rotateRows(q, m, s, c.heads(), angles);   // segment rows only: memory tokens have no position
        rotateRows(kk, m, s, c.kvHeads(), angles);
        float[] attn = new float[t * qd];
        int group = c.heads() / c.kvHeads();
        double scale = 1.0 / Math.sqrt(hd);
        double[] p = new double[t];
        for (int i = 0; i < t; i++) {
            for (int head = 0; head < c.heads(); head++) {
                int qo = (i * c.heads() + head) * hd, kh = head / group;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) { // causal over the concatenated order
                    double d = 0;
                    for (int e = 0; e < hd; e++) d += (double) q[qo + e] * kk[(j * c.kvHeads() + kh) * hd + e];
                    p[j] = d * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += p[j] = Math.exp(p[j] - max);
                for (int e = 0; e < hd; e++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) acc += p[j] * v[(j * c.kvHeads() + kh) * hd + e];
                    attn[qo + e] = (float) (acc / sum);
                }
            }
        }
        float[] y = new float[t * dim];
        k.matmul(attn, t, lw.wo(), y);
        for (int i = 0; i < y.length; i++) h[i] += y[i];
        k.rmsnorm(h, lw.ffnNorm(), c.normEps(), t, x);
        float[] gate = new float[t * c.hiddenDim()], up = new float[t * c.hiddenDim()];
        k.matmul(x, t, lw.w1(), gate);
        k.matmul(x, t, lw.w3(), up);
        k.swiglu(gate, up, gate.length);
        k.matmul(gate, t, lw.w2(), y);
        for (int i = 0; i < y.length; i++) h[i] += y[i];
    }

    /** Rotates rows [m, m+s) of x (T, heads, headDim) by the segment's angles. */
    private void rotateRows(float[] x, int m, int s, int heads, RotaryAngles angles) {
        int width = heads * c.headDim();
        float[] part = Arrays.copyOfRange(x, m * width, (m + s) * width);
        k.rope(part, s, heads, angles);
        System.arraycopy(part, 0, x, m * width, s * width);
    }
}
