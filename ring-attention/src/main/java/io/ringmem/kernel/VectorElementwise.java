package io.ringmem.kernel;

import io.ringmem.model.RopeLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory-bound kernels of {@link VectorKernels}: rmsnorm, rope, swiglu and softmax. Each vectorizes along the
 * contiguous dimension with scalar tails; large calls are split over tokens (or elements) on the pool.
 */
final class VectorElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Floats of work below which a call stays on the caller thread. */
    private static final int PARALLEL_GRAIN = 1 << 15;
    /** Swaps lanes (0,1), (2,3), …: pairs x0,x1 of the ADJACENT_PAIRS layout. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(S, i -> i ^ 1);

    private final WorkerPool pool;

    VectorElementwise(WorkerPool pool) {
        this.pool = pool;
    }

    // x, out (n, dim); weight (dim)
    void rmsnorm(float[] x, float[] weight, float eps, int n, float[] out) {
        int dim = weight.length;
        pool.forRanges(n, Math.max(1, PARALLEL_GRAIN / dim), (lo, hi) -> {
            for (int t = lo; t < hi; t++) rmsnormRow(x, weight, eps, t * dim, dim, out);
        });
    }

    private static void rmsnormRow(float[] x, float[] weight, float eps, int o, int dim, float[] out) {
        int bound = S.loopBound(dim);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, o + i);
            acc = v.fma(v, acc);
        }
        float ss = LaneSum.sum(acc);
        for (; i < dim; i++) ss += x[o + i] * x[o + i];
        float inv = (float) (1.0 / Math.sqrt((double) ss / dim + eps));
        for (i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, o + i).mul(inv);
            v.mul(FloatVector.fromArray(S, weight, i)).intoArray(out, o + i);
        }
        for (; i < dim; i++) out[o + i] = weight[i] * (x[o + i] * inv);
    }

    // x (n, heads, headDim); angles cos, sin (n, half)
    void rope(float[] x, int n, int heads, RotaryAngles a) {
        int hd = a.headDim();
        pool.forRanges(n, Math.max(1, PARALLEL_GRAIN / (heads * hd)), (lo, hi) -> {
            if (a.layout() == RopeLayout.ADJACENT_PAIRS) {
                float[] cd = new float[hd], sd = new float[hd]; // (headDim) per-lane cos and signed sin
                for (int t = lo; t < hi; t++) ropeAdjacentToken(x, t, heads, a, cd, sd);
            } else {
                for (int t = lo; t < hi; t++) ropeHalfToken(x, t, heads, a);
            }
        });
    }

    /** Pairs (2i, 2i+1): x' = x·(c0,c0,c1,c1,…) + swap(x)·(-s0,s0,-s1,s1,…). */
    private static void ropeAdjacentToken(float[] x, int t, int heads, RotaryAngles a, float[] cd, float[] sd) {
        int half = a.half(), hd = 2 * half, ao = t * half;
        for (int i = 0; i < half; i++) {
            float c = a.cos()[ao + i], s = a.sin()[ao + i];
            cd[2 * i] = c;
            cd[2 * i + 1] = c;
            sd[2 * i] = -s;
            sd[2 * i + 1] = s;
        }
        int bound = S.loopBound(hd); // L is even, so vectors hold whole pairs
        for (int h = 0; h < heads; h++) {
            int base = (t * heads + h) * hd;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, base + i);
                FloatVector sw = v.rearrange(SWAP_PAIRS);
                v.mul(FloatVector.fromArray(S, cd, i)).add(sw.mul(FloatVector.fromArray(S, sd, i))).intoArray(x, base + i);
            }
            for (; i < hd; i += 2) {
                float x0 = x[base + i], x1 = x[base + i + 1], c = cd[i], s = sd[i + 1];
                x[base + i] = x0 * c - x1 * s;
                x[base + i + 1] = x0 * s + x1 * c;
            }
        }
    }

    /** Pairs (i, i + half). */
    private static void ropeHalfToken(float[] x, int t, int heads, RotaryAngles a) {
        int half = a.half(), hd = 2 * half, ao = t * half;
        float[] cos = a.cos(), sin = a.sin();
        int bound = S.loopBound(half);
        for (int h = 0; h < heads; h++) {
            int base = (t * heads + h) * hd;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector c = FloatVector.fromArray(S, cos, ao + i), s = FloatVector.fromArray(S, sin, ao + i);
                FloatVector x0 = FloatVector.fromArray(S, x, base + i);
                FloatVector x1 = FloatVector.fromArray(S, x, base + half + i);
                x0.mul(c).sub(x1.mul(s)).intoArray(x, base + i);
                x0.mul(s).add(x1.mul(c)).intoArray(x, base + half + i);
            }
            for (; i < half; i++) {
                float c = cos[ao + i], s = sin[ao + i], x0 = x[base + i], x1 = x[base + half + i];
                x[base + i] = x0 * c - x1 * s;
                x[base + half + i] = x0 * s + x1 * c;
            }
        }
    }

    // gate, up (len)
    void swiglu(float[] gate, float[] up, int len) {
        pool.forRanges(len, PARALLEL_GRAIN, (lo, hi) -> swigluRange(gate, up, lo, hi));
    }

    private static void swigluRange(float[] gate, float[] up, int lo, int hi) {
        int i = lo;
        for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, gate, i);
            FloatVector silu = g.div(VectorExp.exp(g.neg()).add(1f));
            silu.mul(FloatVector.fromArray(S, up, i)).intoArray(gate, i);
        }
        for (; i < hi; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1.0 + Math.exp(-g))) * up[i];
        }
    }

    // x[off .. off+len)
    static void softmax(float[] x, int off, int len) {
        int bound = S.loopBound(len), end = off + len;
        float max = Float.NEGATIVE_INFINITY;
        int i = off;
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < off + bound; i += L) m = m.max(FloatVector.fromArray(S, x, i));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < end; i++) max = Math.max(max, x[i]);
        FloatVector sumV = FloatVector.zero(S);
        for (i = off; i < off + bound; i += L) {
            FloatVector e = VectorExp.exp(FloatVector.fromArray(S, x, i).sub(max));
            e.intoArray(x, i);
            sumV = sumV.add(e);
        }
        double sum = LaneSum.sum(sumV);
        for (; i < end; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (i = off; i < off + bound; i += L) FloatVector.fromArray(S, x, i).mul(inv).intoArray(x, i);
        for (; i < end; i++) x[i] *= inv;
    }
}
