package io.ringmem.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

class VectorExpTest {
    private static final int L = VectorExp.S.length();

    private static float[] exp(float... xs) {
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i += L) {
            float[] lane = new float[L];
            System.arraycopy(xs, i, lane, 0, Math.min(L, xs.length - i));
            VectorExp.exp(FloatVector.fromArray(VectorExp.S, lane, 0)).intoArray(lane, 0);
            System.arraycopy(lane, 0, out, i, Math.min(L, xs.length - i));
        }
        return out;
    }

    @Test
    void relativeErrorBelow2e7OverTheNormalRange() {
        int count = 2_000_000;
        float[] xs = new float[count];
        for (int i = 0; i < count; i++) xs[i] = -87.3f + (88.7f + 87.3f) * i / (count - 1);
        float[] ys = exp(xs);
        double worst = 0;
        for (int i = 0; i < count; i++) {
            double ref = Math.exp(xs[i]);
            worst = Math.max(worst, Math.abs(ys[i] - ref) / ref);
        }
        assertTrue(worst < 2e-7, "worst relative error " + worst);
    }

    @Test
    void specialValuesAndLimits() {
        float[] ys = exp(0f, 1f, -1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 89f, -110f);
        assertEquals(1f, ys[0]);
        assertEquals((float) Math.E, ys[1], 1e-6f);
        assertEquals((float) Math.exp(-1), ys[2], 1e-7f);
        assertEquals(0f, ys[3]);
        assertEquals(Float.POSITIVE_INFINITY, ys[4]);
        assertTrue(Float.isNaN(ys[5]));
        assertEquals(Float.POSITIVE_INFINITY, ys[6]);
        assertEquals(0f, ys[7]);
    }

    @Test
    void nonPositiveVariantMatchesOnItsDomainAndFlushesBelowTheNormalRange() {
        float[] lane = new float[L];
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = -87.3f * i / 199_999;
            Arrays.fill(lane, x);
            float y = VectorExp.expNonPositive(FloatVector.fromArray(VectorExp.S, lane, 0)).lane(0);
            worst = Math.max(worst, Math.abs(y - Math.exp(x)) / Math.exp(x));
        }
        assertTrue(worst < 2e-7, "worst relative error " + worst);
        for (float x : new float[] {Float.NEGATIVE_INFINITY, -88f, -1000f}) {
            Arrays.fill(lane, x);
            assertEquals(0f, VectorExp.expNonPositive(FloatVector.fromArray(VectorExp.S, lane, 0)).lane(0), "x=" + x);
        }
        Arrays.fill(lane, 0f);
        assertEquals(1f, VectorExp.expNonPositive(FloatVector.fromArray(VectorExp.S, lane, 0)).lane(0));
    }

    @Test
    void subnormalResultsAreCloseInAbsoluteTerms() {
        float[] xs = {-88f, -95f, -100f, -103f};
        float[] ys = exp(xs);
        for (int i = 0; i < xs.length; i++) {
            double ref = Math.exp(xs[i]);
            assertEquals(ref, ys[i], Math.max(ref * 1e-6, 1.5e-45), "exp(" + xs[i] + ")");
        }
    }
}
