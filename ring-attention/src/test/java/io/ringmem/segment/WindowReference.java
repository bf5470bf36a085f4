package io.ringmem.segment;

import io.ringmem.kernel.RopeTable;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.Arrays;

/**
 * The window-positions oracle for tests: segment mode with every earlier token carried (retrieve every block, codec
 * none), written as plainly as possible. For each segment it builds the explicit context of each layer: every
 * earlier token's key, kept unrotated (before RoPE) since its own segment ran, rotated directly for its layout
 * position, plus the segment's own keys rotated at {@code dMax + i}; then one naive causal softmax in double
 * precision. No ring, no merges, no stored rotated keys, no re-rotation: the positions are computed here from the
 * layout's definition (docs: sinks, one retrieval slot per block in document order, window, segment), not by {@link WindowLayout}.
 */
final class WindowReference {
    private final ModelConfig c;
    private final ModelWeights w;
    private final ScalarKernels k = new ScalarKernels();
    private final RopeTable rope;
    private final int segment, sinks, block, topK, window, context;

    /** Every stored block retrieved: {@code topK} must be at least the number of blocks the document stores. */
    WindowReference(ModelConfig config, ModelWeights weights, int segment, int sinks, int block, int topK, int window, int context) {
        this.c = config;
        this.w = weights;
        this.rope = new RopeTable(config);
        this.segment = segment;
        this.sinks = sinks;
        this.block = block;
        this.topK = topK;
        this.window = window;
        this.context = context;
    }

    /** (n - 1) NLL of every next token of {@code ids}. */
    double[] score(int[] ids) {
        int n = ids.length, layers = c.layers(), kvd = c.kvDim();
        float[][] rawK = new float[layers][n * kvd], vals = new float[layers][n * kvd]; // unrotated keys, values
        double[] nll = new double[n - 1];
        for (int start = 0; start < n; start += segment) {
            int end = Math.min(n, start + segment), s = end - start;
            int perSegment = (segment + block - 1) / block, stored = start / segment * perSegment;
            int span = sinks + Math.min(topK, stored) * block + window;
            int dMax = start == 0 ? 0 : Math.max(1, Math.min(span, context - segment));
            int[] carried = new int[start]; // every earlier position, its rotary position below
            int[] carriedRot = new int[start];
            for (int p = 0; p < start; p++) {
                carried[p] = p;
                int d;
                if (p >= start - window) d = start - p; // the previous segment's last window, true distance
                else if (p < sinks) d = span - p;       // sinks, farthest
                else { // retrieved: every stored block, its slot its index in document order, in-block order kept
                    int slot = p / segment * perSegment + p % segment / block;
                    d = span - sinks - slot * block - p % segment % block;
                }
                carriedRot[p] = dMax - Math.max(1, Math.min(d, dMax));
            }
            int[] segRot = new int[s];
            for (int i = 0; i < s; i++) segRot[i] = start == 0 ? i : dMax + i;
            float[] h = new float[s * c.dim()];
            for (int i = 0; i < s; i++) w.embedding().copyRow(ids[start + i], h, i * c.dim());
            for (int l = 0; l < layers; l++) layer(w.layers().get(l), h, start, s, carriedRot, segRot, rawK[l], vals[l]);
            float[] x = new float[c.dim()], logits = new float[c.vocabSize()];
            for (int i = 0; i < s && start + i + 1 < n; i++) {
                System.arraycopy(h, i * c.dim(), x, 0, c.dim());
                k.rmsnorm(x, w.finalNorm(), c.normEps(), 1, x);
                k.matmul(x, 1, w.output(), logits);
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (float v : logits) max = Math.max(max, v);
                for (float v : logits) sum += Math.exp(v - max);
                nll[start + i] = max + Math.log(sum) - logits[ids[start + i + 1]];
            }
        }
        return nll;
    }

    private void layer(LayerWeights lw, float[] h, int start, int s, int[] carriedRot, int[] segRot, float[] rawK, float[] vals) {
        int dim = c.dim(), qd = c.qDim(), kvd = c.kvDim(), hd = c.headDim(), m = carriedRot.length, t = m + s;
        float[] x = new float[s * dim], q = new float[s * qd], kk = new float[s * kvd], v = new float[s * kvd];
        k.rmsnorm(h, lw.attnNorm(), c.normEps(), s, x);
        k.matmul(x, s, lw.wq(), q);
        k.matmul(x, s, lw.wk(), kk);
        k.matmul(x, s, lw.wv(), v);
        System.arraycopy(kk, 0, rawK, start * kvd, s * kvd); // kept before RoPE for later segments
        System.arraycopy(v, 0, vals, start * kvd, s * kvd);
        float[] keys = new float[t * kvd], values = new float[t * kvd]; // the explicit context: carried, then segment
        System.arraycopy(rawK, 0, keys, 0, t * kvd);
        System.arraycopy(vals, 0, values, 0, t * kvd);
        int[] rot = Arrays.copyOf(carriedRot, t);
        System.arraycopy(segRot, 0, rot, m, s);
        k.rope(keys, t, c.kvHeads(), rope.angles(rot, t));
        k.rope(q, s, c.heads(), rope.angles(segRot, s));
        float[] attn = new float[s * qd];
        int group = c.heads() / c.kvHeads();
        double scale = 1.0 / Math.sqrt(hd);
        double[] p = new double[t];
        for (int i = 0; i < s; i++) {
            int visible = m + i + 1; // every carried key, then the segment causally
            for (int head = 0; head < c.heads(); head++) {
                int qo = (i * c.heads() + head) * hd, kh = head / group;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    double d = 0;
                    for (int e = 0; e < hd; e++) d += (double) q[qo + e] * keys[(j * c.kvHeads() + kh) * hd + e];
                    p[j] = d * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++) sum += p[j] = Math.exp(p[j] - max);
                for (int e = 0; e < hd; e++) {
                    double acc = 0;
                    for (int j = 0; j < visible; j++) acc += p[j] * values[(j * c.kvHeads() + kh) * hd + e];
                    attn[qo + e] = (float) (acc / sum);
                }
            }
        }
        float[] y = new float[s * dim];
        k.matmul(attn, s, lw.wo(), y);
        for (int i = 0; i < y.length; i++) h[i] += y[i];
        k.rmsnorm(h, lw.ffnNorm(), c.normEps(), s, x);
        float[] gate = new float[s * c.hiddenDim()], up = new float[s * c.hiddenDim()];
        k.matmul(x, s, lw.w1(), gate);
        k.matmul(x, s, lw.w3(), up);
        k.swiglu(gate, up, gate.length);
        k.matmul(gate, s, lw.w2(), y);
        for (int i = 0; i < y.length; i++) h[i] += y[i];
    }
}
