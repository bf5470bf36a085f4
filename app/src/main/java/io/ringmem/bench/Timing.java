package io.ringmem.bench;

import java.util.Arrays;

/** Median-of-repetitions wall time after warm-up runs. */
final class Timing {
    private Timing() {
    }

    /** Runs {@code task} {@code warmup} times untimed, then {@code reps} times; returns the median seconds. */
    static double medianSeconds(int warmup, int reps, Runnable task) {
        for (int i = 0; i < warmup; i++) task.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            task.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
    }
}
