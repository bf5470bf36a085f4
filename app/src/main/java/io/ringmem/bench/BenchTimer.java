package io.ringmem.bench;

import java.util.Arrays;

/**
 * Times one operation for {@link KernelBenchmark}: warm-up (at least {@code warmup} calls and at least
 * {@code warmupSeconds}, so the JIT has compiled the Vector API code; capped at three times that), then up to
 * {@code samples} timed samples whose median is reported. Calls much shorter than a millisecond are batched so one
 * sample lasts about a millisecond; slow calls stop sampling once {@code budgetSeconds} is spent (at least one
 * sample is always taken).
 */
final class BenchTimer {
    private final int warmup;
    private final double warmupSeconds;
    private final int samples;
    private final double budgetSeconds;

    BenchTimer(int warmup, double warmupSeconds, int samples, double budgetSeconds) {
        this.warmup = warmup;
        this.warmupSeconds = warmupSeconds;
        this.samples = samples;
        this.budgetSeconds = budgetSeconds;
    }

    /** Median wall time of one call, in milliseconds. */
    double medianMillis(Runnable op) {
        long start = System.nanoTime(), warmEnd = start + (long) (warmupSeconds * 1e9);
        long warmCap = start + (long) (3 * warmupSeconds * 1e9);
        long last = 0;
        for (int i = 0; ; i++) {
            long t0 = System.nanoTime();
            if (i > 0 && (t0 >= warmCap || (i >= warmup && t0 >= warmEnd))) break;
            op.run();
            last = System.nanoTime() - t0;
        }
        double estimate = last / 1e6;
        long budgetEnd = System.nanoTime() + (long) (budgetSeconds * 1e9);
        int batch = estimate >= 1.0 ? 1 : (int) Math.min(10_000, Math.ceil(1.0 / Math.max(estimate, 1e-4)));
        double[] ms = new double[samples];
        int taken = 0;
        while (taken < samples && (taken == 0 || System.nanoTime() < budgetEnd)) {
            long s = System.nanoTime();
            for (int i = 0; i < batch; i++) op.run();
            ms[taken++] = (System.nanoTime() - s) / 1e6 / batch;
        }
        double[] t = Arrays.copyOf(ms, taken);
        Arrays.sort(t);
        return taken % 2 == 1 ? t[taken / 2] : (t[taken / 2 - 1] + t[taken / 2]) / 2;
    }
}
