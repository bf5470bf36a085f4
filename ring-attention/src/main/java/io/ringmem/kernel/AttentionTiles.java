package io.ringmem.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The inner kernels of {@link VectorAttention} for one (query rows × key tile) block: scores against a key tile
 * packed transposed, masking by positions, the online-softmax update and the P·V accumulation.
 */
final class AttentionTiles {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Keys per tile: a multiple of 2 vectors. */
    static final int TK = 64;

    private AttentionTiles() {
    }

    /**
     * s (rows, TK) = qs (rows, hd) · kt (hd, TK) where kt is one packed key tile starting at {@code kto}.
     * Register tiles of 6 rows × 16 keys (12 accumulators), then single rows.
     */
    static void scores(float[] qs, int rows, int hd, float[] kt, int kto, float[] s) {
        int r = 0;
        for (; r + 6 <= rows; r += 6) {
            for (int j = 0; j < TK; j += 2 * L) scores6x16(qs, r * hd, hd, kt, kto + j, s, r * TK + j);
        }
        for (; r < rows; r++) {
            for (int j = 0; j < TK; j += 2 * L) scores1x16(qs, r * hd, hd, kt, kto + j, s, r * TK + j);
        }
    }

    private static void scores6x16(float[] qs, int q0, int hd, float[] kt, int ko, float[] s, int so) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        int q1 = q0 + hd, q2 = q1 + hd, q3 = q2 + hd, q4 = q3 + hd, q5 = q4 + hd;
        for (int c = 0; c < hd; c++) {
            FloatVector k0 = FloatVector.fromArray(S, kt, ko + c * TK), k1 = FloatVector.fromArray(S, kt, ko + c * TK + L);
            FloatVector b = FloatVector.broadcast(S, qs[q0 + c]);
            a00 = k0.fma(b, a00); a01 = k1.fma(b, a01);
            b = FloatVector.broadcast(S, qs[q1 + c]);
            a10 = k0.fma(b, a10); a11 = k1.fma(b, a11);
            b = FloatVector.broadcast(S, qs[q2 + c]);
            a20 = k0.fma(b, a20); a21 = k1.fma(b, a21);
            b = FloatVector.broadcast(S, qs[q3 + c]);
            a30 = k0.fma(b, a30); a31 = k1.fma(b, a31);
            b = FloatVector.broadcast(S, qs[q4 + c]);
            a40 = k0.fma(b, a40); a41 = k1.fma(b, a41);
            b = FloatVector.broadcast(S, qs[q5 + c]);
            a50 = k0.fma(b, a50); a51 = k1.fma(b, a51);
        }
        a00.intoArray(s, so); a01.intoArray(s, so + L);
        a10.intoArray(s, so + TK); a11.intoArray(s, so + TK + L);
        a20.intoArray(s, so + 2 * TK); a21.intoArray(s, so + 2 * TK + L);
        a30.intoArray(s, so + 3 * TK); a31.intoArray(s, so + 3 * TK + L);
        a40.intoArray(s, so + 4 * TK); a41.intoArray(s, so + 4 * TK + L);
        a50.intoArray(s, so + 5 * TK); a51.intoArray(s, so + 5 * TK + L);
    }

    private static void scores1x16(float[] qs, int qo, int hd, float[] kt, int ko, float[] s, int so) {
        // two accumulator pairs over alternating c hide the FMA latency
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
        int c = 0;
        for (; c + 1 < hd; c += 2) {
            FloatVector q = FloatVector.broadcast(S, qs[qo + c]), q2 = FloatVector.broadcast(S, qs[qo + c + 1]);
            a0 = FloatVector.fromArray(S, kt, ko + c * TK).fma(q, a0);
            a1 = FloatVector.fromArray(S, kt, ko + c * TK + L).fma(q, a1);
            b0 = FloatVector.fromArray(S, kt, ko + (c + 1) * TK).fma(q2, b0);
            b1 = FloatVector.fromArray(S, kt, ko + (c + 1) * TK + L).fma(q2, b1);
        }
        if (c < hd) {
            FloatVector q = FloatVector.broadcast(S, qs[qo + c]);
            a0 = FloatVector.fromArray(S, kt, ko + c * TK).fma(q, a0);
            a1 = FloatVector.fromArray(S, kt, ko + c * TK + L).fma(q, a1);
        }
        a0.add(b0).intoArray(s, so);
        a1.add(b1).intoArray(s, so + L);
    }

    /** Sets s[row, j] = -∞ where key position kp[kpo + j] > limit[row] (padding keys carry Integer.MAX_VALUE). */
    static void mask(float[] s, int rows, int[] kp, int kpo, int[] limit) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            int so = r * TK;
            for (int j = 0; j < TK; j += L) {
                VectorMask<Integer> hidden = IntVector.fromArray(SI, kp, kpo + j).compare(VectorOperators.GT, limit[r]);
                if (hidden.anyTrue()) {
                    FloatVector.fromArray(S, s, so + j).blend(ninf, hidden.cast(S)).intoArray(s, so + j);
                }
            }
        }
    }

    /**
     * Online-softmax update of every row for one tile: m (running max), l (running sum) and the output rows are
     * rescaled to the new max; s is replaced by p = e^(s - m). Rows that have seen no visible key keep m = -∞,
     * l = 0 and p = 0.
     */
    static void softmaxUpdate(float[] s, int rows, float[] m, float[] l, float[] o, int hd) {
        for (int r = 0; r < rows; r++) {
            int so = r * TK;
            FloatVector mx = FloatVector.fromArray(S, s, so);
            for (int j = L; j < TK; j += L) mx = mx.max(FloatVector.fromArray(S, s, so + j));
            float mNew = Math.max(m[r], mx.reduceLanes(VectorOperators.MAX));
            if (mNew == Float.NEGATIVE_INFINITY) {
                Arrays.fill(s, so, so + TK, 0f);
                continue;
            }
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < TK; j += L) {
                FloatVector p = VectorExp.expNonPositive(FloatVector.fromArray(S, s, so + j).sub(mNew));
                p.intoArray(s, so + j);
                sum = sum.add(p);
            }
            float rowSum = LaneSum.sum(sum);
            if (mNew == m[r]) {
                l[r] += rowSum; // max unchanged (the usual case after the first tiles): nothing to rescale
                continue;
            }
            float alpha = m[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[r] - mNew);
            l[r] = l[r] * alpha + rowSum;
            m[r] = mNew;
            scale(o, r * hd, hd, alpha);
        }
    }

    private static void scale(float[] o, int off, int len, float f) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) FloatVector.fromArray(S, o, off + i).mul(f).intoArray(o, off + i);
        for (; i < len; i++) o[off + i] *= f;
    }

    /** Head dims rounded up to whole vectors: the width of packed values and of the output accumulator. */
    static int paddedDims(int hd) {
        return (hd + L - 1) / L * L;
    }

    /**
     * Packs value rows [key0, key0 + keys) of one KV head into dim panels of 16 (the last 8 wide when hdp is an odd
     * number of vectors): vp[off + panel·16·TK + j·width + lane] = v[(key0 + j)·vs + vo + panel·16 + lane], zero in
     * padding dims.
     */
    static void packValues(float[] v, int vo, int vs, int key0, int keys, int hd, int hdp, float[] vp, int off) {
        for (int c0 = 0; c0 < hdp; c0 += 2 * L) {
            int width = Math.min(2 * L, hdp - c0), po = off + c0 * TK, n = Math.min(width, hd - c0);
            for (int j = 0; j < keys; j++) System.arraycopy(v, (key0 + j) * vs + vo + c0, vp, po + j * width, n);
        }
    }

    /**
     * o (rows, hdp) += p (rows, TK) · V (keys, hdp) with V one packed tile ({@link #packValues}) at {@code off};
     * only the first {@code keys} columns of p are used. Register tiles of 4 rows × 16 dims: 8 accumulators cover
     * two FMA units' latency, and C2 spills when given 12 here.
     */
    static void accumulate(float[] p, int rows, int keys, float[] vp, int off, int hdp, float[] o) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int c = 0;
            for (; c + 2 * L <= hdp; c += 2 * L) pv4x16(p, r * TK, keys, vp, off + c * TK, o, r * hdp + c, hdp);
            if (c < hdp) pv4x8(p, r * TK, keys, vp, off + c * TK, o, r * hdp + c, hdp);
        }
        for (; r < rows; r++) {
            int c = 0;
            for (; c + 2 * L <= hdp; c += 2 * L) pv1x16(p, r * TK, keys, vp, off + c * TK, o, r * hdp + c);
            if (c < hdp) pv1x8(p, r * TK, keys, vp, off + c * TK, o, r * hdp + c);
        }
    }

    private static void pv4x16(float[] p, int p0, int keys, float[] vp, int vo, float[] o, int oo, int hdp) {
        FloatVector a00 = FloatVector.fromArray(S, o, oo), a01 = FloatVector.fromArray(S, o, oo + L);
        FloatVector a10 = FloatVector.fromArray(S, o, oo + hdp), a11 = FloatVector.fromArray(S, o, oo + hdp + L);
        FloatVector a20 = FloatVector.fromArray(S, o, oo + 2 * hdp), a21 = FloatVector.fromArray(S, o, oo + 2 * hdp + L);
        FloatVector a30 = FloatVector.fromArray(S, o, oo + 3 * hdp), a31 = FloatVector.fromArray(S, o, oo + 3 * hdp + L);
        for (int j = 0; j < keys; j++) {
            FloatVector v0 = FloatVector.fromArray(S, vp, vo + j * 2 * L), v1 = FloatVector.fromArray(S, vp, vo + j * 2 * L + L);
            FloatVector b = FloatVector.broadcast(S, p[p0 + j]);
            a00 = v0.fma(b, a00); a01 = v1.fma(b, a01);
            b = FloatVector.broadcast(S, p[p0 + TK + j]);
            a10 = v0.fma(b, a10); a11 = v1.fma(b, a11);
            b = FloatVector.broadcast(S, p[p0 + 2 * TK + j]);
            a20 = v0.fma(b, a20); a21 = v1.fma(b, a21);
            b = FloatVector.broadcast(S, p[p0 + 3 * TK + j]);
            a30 = v0.fma(b, a30); a31 = v1.fma(b, a31);
        }
        a00.intoArray(o, oo); a01.intoArray(o, oo + L);
        a10.intoArray(o, oo + hdp); a11.intoArray(o, oo + hdp + L);
        a20.intoArray(o, oo + 2 * hdp); a21.intoArray(o, oo + 2 * hdp + L);
        a30.intoArray(o, oo + 3 * hdp); a31.intoArray(o, oo + 3 * hdp + L);
    }

    private static void pv4x8(float[] p, int p0, int keys, float[] vp, int vo, float[] o, int oo, int hdp) {
        FloatVector a0 = FloatVector.fromArray(S, o, oo), a1 = FloatVector.fromArray(S, o, oo + hdp);
        FloatVector a2 = FloatVector.fromArray(S, o, oo + 2 * hdp), a3 = FloatVector.fromArray(S, o, oo + 3 * hdp);
        for (int j = 0; j < keys; j++) {
            FloatVector v0 = FloatVector.fromArray(S, vp, vo + j * L);
            a0 = v0.fma(FloatVector.broadcast(S, p[p0 + j]), a0);
            a1 = v0.fma(FloatVector.broadcast(S, p[p0 + TK + j]), a1);
            a2 = v0.fma(FloatVector.broadcast(S, p[p0 + 2 * TK + j]), a2);
            a3 = v0.fma(FloatVector.broadcast(S, p[p0 + 3 * TK + j]), a3);
        }
        a0.intoArray(o, oo); a1.intoArray(o, oo + hdp); a2.intoArray(o, oo + 2 * hdp); a3.intoArray(o, oo + 3 * hdp);
    }

    private static void pv1x16(float[] p, int p0, int keys, float[] vp, int vo, float[] o, int oo) {
        FloatVector a0 = FloatVector.fromArray(S, o, oo), a1 = FloatVector.fromArray(S, o, oo + L);
        for (int j = 0; j < keys; j++) {
            FloatVector b = FloatVector.broadcast(S, p[p0 + j]);
            a0 = FloatVector.fromArray(S, vp, vo + j * 2 * L).fma(b, a0);
            a1 = FloatVector.fromArray(S, vp, vo + j * 2 * L + L).fma(b, a1);
        }
        a0.intoArray(o, oo);
        a1.intoArray(o, oo + L);
    }

    private static void pv1x8(float[] p, int p0, int keys, float[] vp, int vo, float[] o, int oo) {
        FloatVector a = FloatVector.fromArray(S, o, oo);
        for (int j = 0; j < keys; j++) a = FloatVector.fromArray(S, vp, vo + j * L).fma(FloatVector.broadcast(S, p[p0 + j]), a);
        a.intoArray(o, oo);
    }
}
