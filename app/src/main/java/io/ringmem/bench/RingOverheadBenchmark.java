package io.ringmem.bench;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kv.TokenSelector;
import io.ringmem.ring.InMemoryRing;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingAttention;
import io.ringmem.ring.ShardSchedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Causal attention over one sequence: a single blockwise-attention kernel call (the baseline) versus ring
 * attention with P ranks in this JVM over the same q, k, v. Same total FLOPs; the ratio is the ring's overhead
 * (sharding, merges, transport, imbalance). Run with {@code bin/ringmem bench ring}.
 */
public final class RingOverheadBenchmark {
    private RingOverheadBenchmark() {
    }

    /**
     * One sequence length at one rank count.
     *
     * @param singleRankSeconds the baseline: one blockwise-attention call over the whole sequence
     * @param ratio             seconds / singleRankSeconds
     */
    public record Row(int tokens, int ranks, double seconds, double singleRankSeconds, double ratio) {
    }

    /** Measures every length at every rank count; hands each row to {@code onRow} as it is measured. */
    public static List<Row> run(Kernels kernels, AttentionShape shape, List<Integer> lengths, List<Integer> workers,
                                ShardSchedule schedule, int reps, Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        for (int n : lengths) {
            SplittableRandom rnd = new SplittableRandom(n);
            float[] q = random(rnd, n * shape.heads() * shape.headDim());
            float[] k = random(rnd, n * shape.kvHeads() * shape.headDim());
            float[] v = random(rnd, n * shape.kvHeads() * shape.headDim());
            int[] pos = new int[n];
            for (int i = 0; i < n; i++) pos[i] = i;
            float[] o = new float[q.length], lse = new float[n * shape.heads()];
            double single = Timing.medianSeconds(1, reps, () -> kernels.attention(shape, q, pos, n, k, v, pos, n, true, o, lse));
            for (int p : workers) {
                Shards shards = Shards.split(q, k, v, n, p, schedule, shape);
                double ring = Timing.medianSeconds(1, reps, () -> ringOnce(kernels, shape, shards));
                Row row = new Row(n, p, ring, single, ring / single);
                rows.add(row);
                onRow.accept(row);
            }
        }
        return rows;
    }

    /** Per-rank inputs, cut before timing: in a real ring the data is born sharded. */
    private record Shards(List<int[]> pos, List<float[]> q, List<float[]> k, List<float[]> v) {
        static Shards split(float[] q, float[] k, float[] v, int n, int ranks, ShardSchedule schedule, AttentionShape s) {
            int qw = s.heads() * s.headDim(), kw = s.kvHeads() * s.headDim();
            Shards sh = new Shards(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int r = 0; r < ranks; r++) {
                int[] pos = schedule.positions(r, ranks, n);
                sh.pos.add(pos);
                sh.q.add(TokenSelector.gather(q, pos, qw));
                sh.k.add(TokenSelector.gather(k, pos, kw));
                sh.v.add(TokenSelector.gather(v, pos, kw));
            }
            return sh;
        }
    }

    private static void ringOnce(Kernels kernels, AttentionShape s, Shards sh) {
        int ranks = sh.pos().size();
        try (InMemoryRing ring = new InMemoryRing(ranks); ExecutorService pool = Executors.newFixedThreadPool(ranks)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                all.add(CompletableFuture.runAsync(() -> {
                    int[] pos = sh.pos().get(rank);
                    float[] lq = sh.q().get(rank);
                    new RingAttention(kernels, s, Duration.ofMinutes(10)).attend(ring.channel(rank),
                            new KvBlock(0, rank, pos, sh.k().get(rank), sh.v().get(rank)), lq, pos, pos.length, true,
                            new float[lq.length]);
                }, pool));
            }
            all.forEach(CompletableFuture::join);
        }
    }

    private static float[] random(SplittableRandom rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }
}
