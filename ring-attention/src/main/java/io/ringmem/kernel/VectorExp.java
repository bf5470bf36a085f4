package io.ringmem.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise {@code e^x} for float vectors: Cody-Waite range reduction {@code x = n·ln2 + r}, |r| ≤ ln2/2, a
 * degree-5 minimax polynomial for e^r (Cephes expf coefficients) and the power of two built from exponent bits.
 *
 * <p>Contract: relative error below 2e-7 for results in the normal float range; overflows to +∞ above ~88.72;
 * gradual underflow down to 0 below ~-103.97 (so {@code exp(-∞) = 0}); NaN in, NaN out. Not guaranteed: correct
 * rounding, or bit-identical results to {@link Math#exp}.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: on JDK 25 / AVX2 it is faster (0.78 vs 1.2 ns per element,
 * 0.94 for {@link #expNonPositive}) and as accurate, but C2's intrinsic and the interpreter's fallback round
 * differently, so results would change once a method is compiled; this polynomial uses only IEEE operations and
 * gives the same bits in every tier. exp is a few percent of attention time.
 */
final class VectorExp {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAX_X = 88.7228391f;   // ln(Float.MAX_VALUE)
    private static final float MIN_X = -103.972084f;  // below ln(2^-150): rounds to 0
    private static final float MIN_NORMAL_X = -87.33654f; // ln(2^-126)
    private static final float ROUND_MAGIC = 12582912f; // 1.5 · 2^23: adding it rounds to an integer
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorExp() {
    }

    /** e^x lane-wise. */
    static FloatVector exp(FloatVector x) {
        // x > MAX_X overflows via the exponent (2^128 · p = ∞); clamp only so the exponent bits stay in range
        FloatVector xc = x.max(MIN_X).min(MAX_X + 1f);
        FloatVector magic = FloatVector.broadcast(S, ROUND_MAGIC);
        FloatVector n = xc.fma(FloatVector.broadcast(S, LOG2E), magic).sub(magic); // round(x·log2e), exact: |x| < 2^22
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc); // x - n·ln2 in two steps (Cody-Waite)
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = poly(r);
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = pow2(half), s2 = pow2(ni.sub(half)); // two factors keep subnormal and 2^128 results exact
        FloatVector result = p.mul(s1).mul(s2);
        return result.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * e^x for lanes x ≤ 0 or -∞ (softmax arguments {@code s - max}): the same polynomial, but with no overflow or
     * NaN handling and results below 2^-126 (x &lt; -87.3) flushed to 0, so it is about a third cheaper. Not
     * guaranteed: anything for positive or NaN lanes.
     */
    static FloatVector expNonPositive(FloatVector x) {
        FloatVector xc = x.max(MIN_NORMAL_X);
        FloatVector magic = FloatVector.broadcast(S, ROUND_MAGIC);
        FloatVector n = xc.fma(FloatVector.broadcast(S, LOG2E), magic).sub(magic);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector result = poly(r).mul(pow2((IntVector) n.convert(VectorOperators.F2I, 0)));
        return result.blend(0f, x.compare(VectorOperators.LT, MIN_NORMAL_X));
    }

    private static FloatVector poly(FloatVector r) {
        FloatVector p = r.fma(FloatVector.broadcast(S, P0), FloatVector.broadcast(S, P1));
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        FloatVector r2 = r.mul(r);
        return p.fma(r2, r).add(1f); // 1 + r + r²·P(r)
    }

    /** 2^e for integer lanes e in [-126, 127]. */
    private static FloatVector pow2(IntVector e) {
        return e.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }
}
