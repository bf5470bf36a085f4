package io.ringmem.kernel;

import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;

import java.util.Arrays;

/**
 * The reference kernels: single-threaded scalar loops with double accumulation where it is cheap. They define
 * what the fast kernels must compute; they are not meant to be fast.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void matmul(float[] x, int n, Matrix w, float[] out) {
        int in = w.cols(), rows = w.rows();
        float[] row = new float[in];
        for (int r = 0; r < rows; r++) {
            w.copyRow(r, row, 0);
            for (int t = 0; t < n; t++) {
                double acc = 0;
                int xo = t * in;
                for (int i = 0; i < in; i++) acc += (double) x[xo + i] * row[i];
                out[t * rows + r] = (float) acc;
            }
        }
    }

    @Override
    public void rmsnorm(float[] x, float[] weight, float eps, int n, float[] out) {
        int dim = weight.length;
        for (int t = 0; t < n; t++) {
            int o = t * dim;
            double ss = 0;
            for (int i = 0; i < dim; i++) ss += (double) x[o + i] * x[o + i];
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int i = 0; i < dim; i++) out[o + i] = weight[i] * (x[o + i] * inv);
        }
    }

    @Override
    public void rope(float[] x, int n, int heads, RotaryAngles a) {
        int half = a.half(), hd = a.headDim();
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                int base = (t * heads + h) * hd;
                for (int i = 0; i < half; i++) {
                    float c = a.cos()[t * half + i], s = a.sin()[t * half + i];
                    int i0, i1;
                    if (a.layout() == RopeLayout.ADJACENT_PAIRS) {
                        i0 = base + 2 * i;
                        i1 = i0 + 1;
                    } else {
                        i0 = base + i;
                        i1 = i0 + half;
                    }
                    float x0 = x[i0], x1 = x[i1];
                    x[i0] = x0 * c - x1 * s;
                    x[i1] = x0 * s + x1 * c;
                }
            }
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int len) {
        for (int i = 0; i < len; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1.0 + Math.exp(-g))) * up[i];
        }
    }

    @Override
    public void softmax(float[] x, int off, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < len; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < len; i++) x[off + i] *= inv;
    }

    @Override
    public void attention(AttentionShape s, float[] q, int[] qPos, int nq, float[] k, float[] v, int[] kPos, int nk,
                          boolean causal, float[] out, float[] lse) {
        int hd = s.headDim(), heads = s.heads(), kvh = s.kvHeads(), group = s.groupSize();
        double[] scores = new double[nk];
        double[] acc = new double[hd];
        for (int i = 0; i < nq; i++) {
            for (int h = 0; h < heads; h++) {
                int qo = (i * heads + h) * hd;
                int kh = h / group;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nk; j++) {
                    if (causal && kPos[j] > qPos[i]) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    int ko = (j * kvh + kh) * hd;
                    double d = 0;
                    for (int c = 0; c < hd; c++) d += (double) q[qo + c] * k[ko + c];
                    scores[j] = d * s.scale();
                    max = Math.max(max, scores[j]);
                }
                Arrays.fill(acc, 0);
                if (max == Double.NEGATIVE_INFINITY) {
                    for (int c = 0; c < hd; c++) out[qo + c] = 0f;
                    lse[i * heads + h] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < nk; j++) {
                    if (scores[j] == Double.NEGATIVE_INFINITY) continue;
                    double p = Math.exp(scores[j] - max);
                    sum += p;
                    int vo = (j * kvh + kh) * hd;
                    for (int c = 0; c < hd; c++) acc[c] += p * v[vo + c];
                }
                for (int c = 0; c < hd; c++) out[qo + c] = (float) (acc[c] / sum);
                lse[i * heads + h] = (float) (max + Math.log(sum));
            }
        }
    }
}
