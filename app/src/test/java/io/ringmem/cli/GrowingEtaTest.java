package io.ringmem.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GrowingEta} against schedules whose remaining time is known in closed form. */
class GrowingEtaTest {
    /** Seconds after {@code s} segments when segment i costs a + b·i (continuous: a·s + b·s²/2). */
    private static double elapsed(double a, double b, double s) {
        return a * s + b * s * s / 2;
    }

    @Test
    void aConstantCostGivesTheConstantRateEstimate() {
        GrowingEta eta = new GrowingEta();
        for (int d = 0; d <= 40; d++) eta.observe(d, 0.05 * d);
        assertEquals(60 * 0.05, eta.secondsLeft(100), 1e-12);
        assertEquals(0, eta.secondsLeft(40), 1e-12);
    }

    @Test
    void aCostGrowingWithTheDocumentIsExtrapolated() {
        // the 10M-token run's shape: about 30 ms + 27 ms per million tokens (4,096 segments of 256)
        double a = 0.030, b = 0.027 / 4096;
        int total = 40_960, d = 8_192;
        GrowingEta eta = new GrowingEta();
        for (int s = 0; s <= d; s += 7) eta.observe(s, elapsed(a, b, s));
        eta.observe(d, elapsed(a, b, d));
        double want = elapsed(a, b, total) - elapsed(a, b, d);
        assertEquals(want, eta.secondsLeft(total), want * 1e-9);
        double constantRate = elapsed(a, b, d) / d * (total - d);
        assertTrue(want > 3 * constantRate, "the constant-rate estimate is far too low here: " + constantRate + " vs " + want);
    }

    @Test
    void aFallingCostIsTakenAsConstant() {
        GrowingEta eta = new GrowingEta();
        for (int s = 0; s <= 100; s++) eta.observe(s, elapsed(0.2, -0.001, s)); // warm-up: early segments are slower
        double mean = elapsed(0.2, -0.001, 100) / 100;
        assertEquals(50 * mean, eta.secondsLeft(150), 1e-9);
    }

    @Test
    void noEstimateBeforeASegmentAndBadInputIsRefused() {
        GrowingEta eta = new GrowingEta();
        assertTrue(Double.isNaN(eta.secondsLeft(10)));
        eta.observe(0, 1.5);
        assertTrue(Double.isNaN(eta.secondsLeft(10)));
        eta.observe(3, 2);
        eta.observe(5, 3);
        eta.observe(4, 3.5); // a segment redone: the count went back
        assertEquals(6 * 3.5 / 4, eta.secondsLeft(10), 1e-12, "5 dropped; no observation between 0 and half of 4: no growth");
        assertThrows(IllegalArgumentException.class, () -> eta.observe(4, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> eta.observe(-1, 1));
    }
}
