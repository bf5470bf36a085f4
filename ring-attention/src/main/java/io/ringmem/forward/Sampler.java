package io.ringmem.forward;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy when {@code temperature == 0}, otherwise softmax at the temperature,
 * restricted to the smallest set of tokens whose probability reaches {@code topP} (nucleus sampling). Seeded, so a
 * (seed, logits sequence) pair always gives the same ids. Not thread-safe.
 */
public final class Sampler {
    private final double temperature;
    private final double topP;
    private final SplittableRandom random;

    public Sampler(double temperature, double topP, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    public int next(float[] logits) {
        if (temperature == 0) return argmax(logits);
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

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
