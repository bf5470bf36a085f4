package io.ringmem.kernel;

import io.ringmem.tensor.Matrix;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The few-token matmul path (decode, where the weight stream dominates): dot products along the reduction
 * dimension, no packing of x, one horizontal sum per output.
 * <ul>
 *   <li>Fewer than 4 tokens: vector loads straight from the segment, three weight rows streamed at once (more
 *   memory-level parallelism; the bounds check per 8-float load is cheap next to the memory traffic).</li>
 *   <li>4 to 7 tokens: three weight rows at a time are bulk-copied into a heap array, then 4 tokens × 3 rows register
 *   tiles (12 FMA accumulators) reuse each weight vector for every token.</li>
 * </ul>
 */
final class MatmulDot {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int RB = 3; // weight rows per register tile
    private static final int TB = 4; // tokens per register tile

    private MatmulDot() {
    }

    /** out[:, r0 .. r1) for all n tokens (any n; meant for small n). */
    static void rowRange(float[] x, int n, int in, MemorySegment w, int rows, float[] out, int r0, int r1) {
        float[] wr = n < TB ? null : new float[RB * in]; // (3, in) current weight rows, for the tile path
        for (int r = r0; r < r1; r += RB) {
            int nr = Math.min(RB, r1 - r);
            if (n < TB) {
                for (int t = 0; t < n; t++) {
                    if (nr == RB) {
                        dot3Seg(x, t * in, w, (long) r * in * Float.BYTES, in, out, t * rows + r);
                    } else {
                        for (int j = 0; j < nr; j++) {
                            out[t * rows + r + j] = dotSeg(x, t * in, w, (long) (r + j) * in * Float.BYTES, in);
                        }
                    }
                }
                continue;
            }
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

    /** out[o .. o+3) = x[xo ..) · three weight rows from byte offset wo: three streams at once. */
    private static void dot3Seg(float[] x, int xo, MemorySegment w, long wo, int in, float[] out, int o) {
        long stride = (long) in * Float.BYTES;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
        int i = 0;
        for (; i + 2 * L <= in; i += 2 * L) {
            long p = wo + (long) i * Float.BYTES;
            FloatVector x0 = FloatVector.fromArray(S, x, xo + i), x1 = FloatVector.fromArray(S, x, xo + i + L);
            a0 = x0.fma(FloatVector.fromMemorySegment(S, w, p, LE), a0);
            b0 = x1.fma(FloatVector.fromMemorySegment(S, w, p + L * Float.BYTES, LE), b0);
            a1 = x0.fma(FloatVector.fromMemorySegment(S, w, p + stride, LE), a1);
            b1 = x1.fma(FloatVector.fromMemorySegment(S, w, p + stride + L * Float.BYTES, LE), b1);
            a2 = x0.fma(FloatVector.fromMemorySegment(S, w, p + 2 * stride, LE), a2);
            b2 = x1.fma(FloatVector.fromMemorySegment(S, w, p + 2 * stride + L * Float.BYTES, LE), b2);
        }
        float s0 = LaneSum.sum(a0.add(b0)), s1 = LaneSum.sum(a1.add(b1)), s2 = LaneSum.sum(a2.add(b2));
        for (; i < in; i++) {
            long p = wo + (long) i * Float.BYTES;
            float xi = x[xo + i];
            s0 += xi * w.get(Matrix.FLOAT_LE, p);
            s1 += xi * w.get(Matrix.FLOAT_LE, p + stride);
            s2 += xi * w.get(Matrix.FLOAT_LE, p + 2 * stride);
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
    }

    private static float dotSeg(float[] x, int xo, MemorySegment w, long wo, int in) {
        FloatVector a = FloatVector.zero(S), b = a;
        int i = 0;
        for (; i + 2 * L <= in; i += 2 * L) {
            long o = wo + (long) i * Float.BYTES;
            a = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromMemorySegment(S, w, o, LE), a);
            b = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromMemorySegment(S, w, o + L * Float.BYTES, LE), b);
        }
        float s = LaneSum.sum(a.add(b));
        for (; i < in; i++) s += x[xo + i] * w.get(Matrix.FLOAT_LE, wo + (long) i * Float.BYTES);
        return s;
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
        float s = LaneSum.sum(acc);
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
