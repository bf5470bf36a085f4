package io.ringmem.bench;

import com.sun.management.OperatingSystemMXBean;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingChannel;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** {@link io.ringmem.ring.RingAttention}'s transport pattern without compute, timed for {@link RingTransportBenchmark}. */
final class RingRotation {
    private RingRotation() {
    }

    /**
     * @param seconds    median over the samples of the wall time of one rotation
     * @param cpuSeconds process CPU time (all threads) per rotation, over all samples
     */
    record Sample(double seconds, double cpuSeconds) {
    }

    /** Median over {@code reps} samples of the time of one rotation (a sample runs {@code layers} rotations). */
    static Sample median(List<? extends RingChannel> chs, KvBlock[] locals, int layers, int warmup, int reps)
            throws Exception {
        int ranks = chs.size();
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            double[] samples = new double[reps];
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = 0;
            for (int s = -warmup; s < reps; s++) {
                if (s == 0) cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int r = 0; r < ranks; r++) {
                    int rank = r;
                    done.add(pool.submit(() -> {
                        for (int l = 0; l < layers; l++) rotate(chs.get(rank), locals[rank], l);
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(10, TimeUnit.MINUTES);
                if (s >= 0) samples[s] = (System.nanoTime() - t0) / 1e9 / layers;
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / reps / layers;
            Arrays.sort(samples);
            return new Sample(samples[reps / 2], cpu);
        } finally {
            pool.shutdownNow();
        }
    }

    /** RingAttention's transport pattern for one layer, checking that every block arrives from the right rank. */
    static void rotate(RingChannel ch, KvBlock local, int layer) throws Exception {
        int ranks = ch.size(), rank = ch.rank();
        KvBlock mine = new KvBlock(layer, rank, local.positions(), local.k(), local.v());
        CompletableFuture<Void> sending = ch.sendNext(mine);
        for (int step = 1; step < ranks; step++) {
            KvBlock b = ch.receivePrev().get(60, TimeUnit.SECONDS);
            int from = Math.floorMod(rank - step, ranks);
            if (b.layer() != layer || b.sourceRank() != from || b.k().length != local.k().length) {
                throw new IllegalStateException("rank " + rank + " step " + step + " got layer " + b.layer() + " from "
                        + b.sourceRank());
            }
            sending.get(60, TimeUnit.SECONDS);
            if (step < ranks - 1) sending = ch.sendNext(b);
        }
        sending.get(60, TimeUnit.SECONDS);
    }
}
