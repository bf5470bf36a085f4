package io.ringmem.bench;

import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.ring.ShardSchedule;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * End-to-end prefill throughput (embedding, all layers with ring attention, no logits) on seeded random tokens,
 * for each sequence length and rank count, all in one run so the ratios share the machine's state.
 */
public final class PrefillBenchmark {
    private PrefillBenchmark() {
    }

    public static void run(LlamaModel model, List<Integer> lengths, List<Integer> workers, ShardSchedule schedule,
                           int blockTokens, int reps, PrintWriter out) {
        out.printf("prefill: kernels=%s, schedule=%s, median of %d run(s) after 1 warm-up%n", model.kernels().name(),
                schedule.name().toLowerCase(java.util.Locale.ROOT), reps);
        out.println("| tokens | P | seconds | tokens/s | vs P=" + workers.getFirst() + " | ring wait share |");
        out.println("|---:|---:|---:|---:|---:|---:|");
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
                out.printf("| %d | %d | %.3f | %.0f | %.2f× | %.1f%% |%n", len, p, secs, len / secs, base / secs, 100 * waitShare);
                out.flush();
            }
        }
    }
}
