package io.ringmem.bench;

import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.ring.ShardSchedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * End-to-end prefill throughput (embedding, all layers with ring attention, no logits) on seeded random tokens,
 * for each sequence length and rank count, all in one run so the ratios share the machine's state. Run with
 * {@code bin/ringmem bench prefill}.
 */
public final class PrefillBenchmark {

    /**
     * One sequence length at one rank count.
     *
     * @param speedup       the first rank count's seconds at this length over these seconds
     * @param ringWaitShare time the ranks spent waiting for the ring over their total time (seconds × P)
     */
    public record Row(int tokens, int ranks, double seconds, double tokensPerSecond, double speedup, double ringWaitShare) {
    }

    private PrefillBenchmark() {
    }

    /**
     * Measures every length at every rank count, in order (the first rank count is the baseline of its length);
     * hands each row to {@code onRow} as it is measured and returns them all. Lengths of 8192 tokens and more run
     * without the warm-up run.
     */
    public static List<Row> run(LlamaModel model, List<Integer> lengths, List<Integer> workers, ShardSchedule schedule,
                                int blockTokens, int reps, Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        for (int len : lengths) {
            int[] ids = new SplittableRandom(len).ints(len, 0, model.config().vocabSize()).toArray();
            double base = 0;
            for (int p : workers) {
                RunConfig run = new RunConfig(p, schedule, blockTokens, Duration.ofMinutes(30));
                SequenceParallelPrefill prefill = new SequenceParallelPrefill(model, run);
                PrefillResult[] last = new PrefillResult[1];
                double secs = Timing.medianSeconds(len >= 8192 ? 0 : 1, reps,
                        () -> last[0] = prefill.run(ids, pos -> false, (a, b, c) -> { }));
                if (p == workers.getFirst()) base = secs;
                double waitShare = last[0].ringWaitNanos() / 1e9 / (secs * p);
                Row row = new Row(len, p, secs, len / secs, base / secs, waitShare);
                rows.add(row);
                onRow.accept(row);
            }
        }
        return rows;
    }
}
