package io.ringmem.forward;

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
    private double[] p = new double[0]; // (vocab) unnormalized probabilities
    private int[] order = new int[0];   // (vocab) ids, sorted by probability

    public Sampler(double temperature, double topP, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /**
     * The next id. Allocates nothing once the buffers have grown to the vocabulary (the first call with a new,
     * larger vocabulary allocates them).
     */
    public int next(float[] logits) {
        if (temperature == 0) return argmax(logits);
        int v = logits.length;
        if (p.length < v) {
            p = new double[v];
            order = new int[v];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < v; i++) order[i] = i;
        heapSort(v); // by probability, descending; ties keep id order (as a stable sort would)
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

    /** Whether id a comes before id b: higher probability first, then the smaller id. A total order. */
    private boolean before(int a, int b) {
        int c = Double.compare(p[b], p[a]);
        return c < 0 || (c == 0 && a < b);
    }

    /** Sorts order[0 .. n) by {@link #before}, in place. */
    private void heapSort(int n) {
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(i, n);
        for (int end = n - 1; end > 0; end--) {
            int t = order[0];
            order[0] = order[end];
            order[end] = t;
            siftDown(0, end);
        }
    }

    /** Max-heap on "comes last": the root is the id that sorts last among order[0 .. n). */
    private void siftDown(int i, int n) {
        int x = order[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && before(order[c], order[c + 1])) c++;
            if (!before(x, order[c])) break;
            order[i] = order[c];
            i = c;
        }
        order[i] = x;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
