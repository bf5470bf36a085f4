package io.ringmem.kernel;

import io.ringmem.tensor.Matrix;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The few-token matmul path (decode, where the weight stream dominates): dot products along the reduction
 * dimension, no packing of x. Weight rows are bulk-copied three at a time from the segment into a heap array (one
 * memcpy; per-element segment reads would pay bounds checks), then register tiles of up to 4 tokens × 3 rows
 * (12 FMA accumulators) reuse each weight vector for every token; one horizontal sum per output.
 */
final class MatmulDot {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int RB = 3; // weight rows per register tile
    private static final int TB = 4; // tokens per register tile

    private MatmulDot() {
    }

    /** out[:, r0 .. r1) for all n tokens (any n; meant for small n). */
    static void rowRange(float[] x, int n, int in, MemorySegment w, int rows, float[] out, int r0, int r1) {
        float[] wr = new float[RB * in]; // (3, in) current weight rows
        for (int r = r0; r < r1; r += RB) {
            int nr = Math.min(RB, r1 - r);
            MemorySegment.copy(w, Matrix.FLOAT_LE, (long) r * in * Float.BYTES, wr, 0, nr * in);
            int t = 0;
            if (nr == RB) {
                for (; t + TB <= n; t += TB) tile4x3(x, t, in, wr, out, t * rows + r, rows);
            }
            for (; t < n; t++) {
                for (int j = 0; j < nr; j++) out[t * rows + r + j] = dot(x, t * in, wr, j * in, in);
            }
        }
    }

    // out (4 tokens, 3 rows) = x (t .. t+4, in) · wr (3, in)ᵀ
    private static void tile4x3(float[] x, int t, int in, float[] wr, float[] out, int o, int rows) {
        int x0 = t * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in, w1 = in, w2 = 2 * in;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        int bound = S.loopBound(in), i = 0;
        for (; i < bound; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, wr, i);
            FloatVector v1 = FloatVector.fromArray(S, wr, w1 + i);
            FloatVector v2 = FloatVector.fromArray(S, wr, w2 + i);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + i);
            a00 = xv.fma(v0, a00); a01 = xv.fma(v1, a01); a02 = xv.fma(v2, a02);
            xv = FloatVector.fromArray(S, x, x1 + i);
            a10 = xv.fma(v0, a10); a11 = xv.fma(v1, a11); a12 = xv.fma(v2, a12);
            xv = FloatVector.fromArray(S, x, x2 + i);
            a20 = xv.fma(v0, a20); a21 = xv.fma(v1, a21); a22 = xv.fma(v2, a22);
            xv = FloatVector.fromArray(S, x, x3 + i);
            a30 = xv.fma(v0, a30); a31 = xv.fma(v1, a31); a32 = xv.fma(v2, a32);
        }
        out[o] = sum(a00, x, x0, wr, 0, i, in);
        out[o + 1] = sum(a01, x, x0, wr, w1, i, in);
        out[o + 2] = sum(a02, x, x0, wr, w2, i, in);
        o += rows;
        out[o] = sum(a10, x, x1, wr, 0, i, in);
        out[o + 1] = sum(a11, x, x1, wr, w1, i, in);
        out[o + 2] = sum(a12, x, x1, wr, w2, i, in);
        o += rows;
        out[o] = sum(a20, x, x2, wr, 0, i, in);
        out[o + 1] = sum(a21, x, x2, wr, w1, i, in);
        out[o + 2] = sum(a22, x, x2, wr, w2, i, in);
        o += rows;
        out[o] = sum(a30, x, x3, wr, 0, i, in);
        out[o + 1] = sum(a31, x, x3, wr, w1, i, in);
        out[o + 2] = sum(a32, x, x3, wr, w2, i, in);
    }

    /** Lanes of acc plus the scalar tail x[xo + i .. xo + in) · w[wo + i .. wo + in). */
    private static float sum(FloatVector acc, float[] x, int xo, float[] w, int wo, int i, int in) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) s += x[xo + i] * w[wo + i];
        return s;
    }

    /** x[xo .. xo+in) · w[wo .. wo+in), two accumulators to hide FMA latency. */
    private static float dot(float[] x, int xo, float[] w, int wo, int in) {
        FloatVector a = FloatVector.zero(S), b = a;
        int i = 0;
        for (; i + 2 * L <= in; i += 2 * L) {
            a = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, w, wo + i), a);
            b = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, w, wo + i + L), b);
        }
        if (i + L <= in) {
            a = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, w, wo + i), a);
            i += L;
        }
        return sum(a.add(b), x, xo, w, wo, i, in);
    }
}
