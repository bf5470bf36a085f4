package io.ringmem.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
     * Register tile 4 rows × 16 keys.
     */
    static void scores(float[] qs, int rows, int hd, float[] kt, int kto, float[] s) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            for (int j = 0; j < TK; j += 2 * L) scores4x16(qs, r, hd, kt, kto + j, s, r * TK + j);
        }
        for (; r < rows; r++) {
            for (int j = 0; j < TK; j += 2 * L) scores1x16(qs, r * hd, hd, kt, kto + j, s, r * TK + j);
        }
    }

    private static void scores4x16(float[] qs, int r, int hd, float[] kt, int ko, float[] s, int so) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int q0 = r * hd, q1 = q0 + hd, q2 = q1 + hd, q3 = q2 + hd;
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
        }
        a00.intoArray(s, so); a01.intoArray(s, so + L);
        a10.intoArray(s, so + TK); a11.intoArray(s, so + TK + L);
        a20.intoArray(s, so + 2 * TK); a21.intoArray(s, so + 2 * TK + L);
        a30.intoArray(s, so + 3 * TK); a31.intoArray(s, so + 3 * TK + L);
    }

    private static void scores1x16(float[] qs, int qo, int hd, float[] kt, int ko, float[] s, int so) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        for (int c = 0; c < hd; c++) {
            FloatVector b = FloatVector.broadcast(S, qs[qo + c]);
            a0 = FloatVector.fromArray(S, kt, ko + c * TK).fma(b, a0);
            a1 = FloatVector.fromArray(S, kt, ko + c * TK + L).fma(b, a1);
        }
        a0.intoArray(s, so);
        a1.intoArray(s, so + L);
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
                java.util.Arrays.fill(s, so, so + TK, 0f);
                continue;
            }
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < TK; j += L) {
                FloatVector p = VectorExp.exp(FloatVector.fromArray(S, s, so + j).sub(mNew));
                p.intoArray(s, so + j);
                sum = sum.add(p);
            }
            float alpha = m[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[r] - mNew);
            l[r] = l[r] * alpha + sum.reduceLanes(VectorOperators.ADD);
            m[r] = mNew;
            if (alpha != 1f) scale(o, r * hd, hd, alpha);
        }
    }

    private static void scale(float[] o, int off, int len, float f) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) FloatVector.fromArray(S, o, off + i).mul(f).intoArray(o, off + i);
        for (; i < len; i++) o[off + i] *= f;
    }

    /**
     * o (rows, hd) += p (rows, TK) · V (keys, hd), value row j of the tile starting at {@code v[vo + j·vs]}; only the
     * first {@code keys} columns of p are used. Register tile 4 rows × 16 dims.
     */
    static void accumulate(float[] p, int rows, int keys, float[] v, int vo, int vs, int hd, float[] o) {
        int bound = hd / (2 * L) * (2 * L);
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int c = 0;
            for (; c < bound; c += 2 * L) pv4x16(p, r, keys, v, vo + c, vs, hd, o, r * hd + c);
            for (; c < hd; c++) pvScalar(p, r, 4, keys, v, vo + c, vs, hd, o, r * hd + c);
        }
        for (; r < rows; r++) {
            for (int c = 0; c < hd; c++) pvScalar(p, r, 1, keys, v, vo + c, vs, hd, o, r * hd + c);
        }
    }

    private static void pv4x16(float[] p, int r, int keys, float[] v, int vo, int vs, int hd, float[] o, int oo) {
        FloatVector a00 = FloatVector.fromArray(S, o, oo), a01 = FloatVector.fromArray(S, o, oo + L);
        FloatVector a10 = FloatVector.fromArray(S, o, oo + hd), a11 = FloatVector.fromArray(S, o, oo + hd + L);
        FloatVector a20 = FloatVector.fromArray(S, o, oo + 2 * hd), a21 = FloatVector.fromArray(S, o, oo + 2 * hd + L);
        FloatVector a30 = FloatVector.fromArray(S, o, oo + 3 * hd), a31 = FloatVector.fromArray(S, o, oo + 3 * hd + L);
        int p0 = r * TK, p1 = p0 + TK, p2 = p1 + TK, p3 = p2 + TK;
        for (int j = 0; j < keys; j++) {
            int vj = vo + j * vs;
            FloatVector v0 = FloatVector.fromArray(S, v, vj), v1 = FloatVector.fromArray(S, v, vj + L);
            FloatVector b = FloatVector.broadcast(S, p[p0 + j]);
            a00 = v0.fma(b, a00); a01 = v1.fma(b, a01);
            b = FloatVector.broadcast(S, p[p1 + j]);
            a10 = v0.fma(b, a10); a11 = v1.fma(b, a11);
            b = FloatVector.broadcast(S, p[p2 + j]);
            a20 = v0.fma(b, a20); a21 = v1.fma(b, a21);
            b = FloatVector.broadcast(S, p[p3 + j]);
            a30 = v0.fma(b, a30); a31 = v1.fma(b, a31);
        }
        a00.intoArray(o, oo); a01.intoArray(o, oo + L);
        a10.intoArray(o, oo + hd); a11.intoArray(o, oo + hd + L);
        a20.intoArray(o, oo + 2 * hd); a21.intoArray(o, oo + 2 * hd + L);
        a30.intoArray(o, oo + 3 * hd); a31.intoArray(o, oo + 3 * hd + L);
    }

    /** Column tail: o[r .. r+nr, c] += Σ_j p[r, j] · V[j, c] (vo already includes c). */
    private static void pvScalar(float[] p, int r, int nr, int keys, float[] v, int vo, int vs, int hd, float[] o, int oo) {
        for (int i = 0; i < nr; i++) {
            float acc = o[oo + i * hd];
            int po = (r + i) * TK;
            for (int j = 0; j < keys; j++) acc += p[po + j] * v[vo + j * vs];
            o[oo + i * hd] = acc;
        }
    }
}
