package io.ringmem.forward;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    @Test
    void zeroTemperatureIsArgmax() {
        Sampler s = new Sampler(0, 1, 1);
        assertEquals(2, s.next(new float[]{0.1f, -3f, 5f, 4.9f}));
    }

    @Test
    void frequenciesFollowTheTemperedSoftmax() {
        float[] logits = {0f, 1f, 2f, (float) Math.log(0.5)};
        double t = 1.5;
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) z += p[i] = Math.exp(logits[i] / t);
        Sampler s = new Sampler(t, 1, 42);
        int draws = 200_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) counts[s.next(logits)]++;
        for (int i = 0; i < p.length; i++) {
            double expected = p[i] / z, sd = Math.sqrt(expected * (1 - expected) / draws);
            assertEquals(expected, counts[i] / (double) draws, 5 * sd, "token " + i);
        }
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        // probabilities ≈ 0.665, 0.245, 0.090: top-p 0.8 keeps the first two, never the third
        float[] logits = {2f, 1f, 0f};
        Sampler s = new Sampler(1, 0.8, 7);
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) counts[s.next(logits)]++;
        assertEquals(0, counts[2]);
        assertTrue(counts[1] > 4000, "second token still sampled: " + counts[1]);
        // a top-p smaller than the first token's mass is greedy
        Sampler greedy = new Sampler(1, 0.5, 7);
        for (int i = 0; i < 1000; i++) assertEquals(0, greedy.next(logits));
    }

    @Test
    void sameSeedSameSequence() {
        float[] logits = {0.3f, 0.1f, 0.2f, 0.25f, 0.15f};
        Sampler a = new Sampler(1, 0.95, 99), b = new Sampler(1, 0.95, 99);
        for (int i = 0; i < 100; i++) assertEquals(a.next(logits), b.next(logits));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Sampler(-1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(Double.NaN, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 1.5, 0));
    }

    /** The allocation-free sort picks exactly what the former boxed stable sort picked, ties included. */
    @Test
    void sameIdsAsTheBoxedStableSort() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int trial = 0; trial < 40; trial++) {
            int v = 1 + rnd.nextInt(3000);
            float[] logits = new float[v];
            for (int i = 0; i < v; i++) logits[i] = trial % 3 == 0 ? rnd.nextInt(4) : (float) rnd.nextGaussian() * 3; // ties
            double t = 0.2 + rnd.nextDouble() * 2, topP = trial % 4 == 0 ? 1 : 0.05 + rnd.nextDouble() * 0.9;
            Sampler a = new Sampler(t, topP, trial);
            SplittableRandom b = new SplittableRandom(trial);
            for (int draw = 0; draw < 5; draw++) assertEquals(boxed(logits, t, topP, b), a.next(logits), "trial " + trial);
        }
    }

    /** The sampler as it was: boxed ids sorted by a stable sort. */
    private static int boxed(float[] logits, double temperature, double topP, SplittableRandom random) {
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double cut = topP * sum, acc = 0;
        int keep = 0;
        while (keep < v && (keep == 0 || acc < cut)) acc += p[order[keep++]];
        double r = random.nextDouble() * acc;
        for (int i = 0; i < keep; i++) {
            r -= p[order[i]];
            if (r <= 0) return order[i];
        }
        return order[keep - 1];
    }
}
