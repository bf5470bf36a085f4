package io.ringmem.bench;

import io.ringmem.forward.DecodeTimer;
import io.ringmem.forward.Decoder;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Sampler;
import io.ringmem.forward.SequenceParallelPrefill;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import com.sun.management.ThreadMXBean;

/**
 * Decode throughput and where a step's time goes: for each prompt length, a prefill of that many seeded random
 * tokens (not timed), then {@code tokens} decode steps, each token chosen by the sampler from the step's logits.
 * The split comes from {@link DecodeTimer} (matmul, attention) and a clock around the sampler; "other" is the
 * rest of the wall time (embedding row, rotary angles, the loop). One untimed warm-up run per prompt length
 * first (at least {@link #WARMUP_TOKENS} steps, so the JIT has compiled the kernels), then {@code reps} runs; the
 * run with the median tokens/s is reported.
 * Run with {@code bin/ringmem bench decode}.
 *
 * <p>Not guaranteed: stable figures on a shared machine; the bytes per token count the calling thread only (the
 * kernel threads' task objects come on top, a few KiB per token, see DecodeStepTest).
 */
public final class DecodeBenchmark {

    /**
     * One prompt length.
     *
     * @param matmulShare    share of the decode wall time in the layers' and head's matmuls (norms, rotary, SwiGLU
     *                       included)
     * @param attentionShare share in attention over the KV shards (cache append and merge included)
     * @param samplingShare  share in choosing the token from the logits
     * @param otherShare     the rest
     * @param bytesPerToken  heap bytes the calling thread allocated per decode step (sampler included)
     */
    public record Row(int promptTokens, int tokens, double seconds, double tokensPerSecond, double msPerToken,
                      double matmulShare, double attentionShare, double samplingShare, double otherShare,
                      long bytesPerToken) {
    }

    /** Decode steps of the warm-up run, at least. */
    static final int WARMUP_TOKENS = 256;

    private DecodeBenchmark() {
    }

    /** Measures every prompt length in order; hands each row to {@code onRow} as it is measured. */
    public static List<Row> run(LlamaModel model, List<Integer> prompts, int tokens, RunConfig run, Sampler sampler, int reps,
                                Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        for (int p : prompts) {
            int[] prompt = new SplittableRandom(p).ints(p, 0, model.config().vocabSize()).toArray();
            // warm-up: at least WARMUP_TOKENS steps (within the model's positions), so the JIT has compiled the
            // decode kernels (interpreted or C1-compiled Vector API code is slow and boxes every vector)
            int room = Math.max(tokens, model.config().maxPositions() - p);
            once(model, prompt, Math.min(room, Math.max(tokens, WARMUP_TOKENS)), run, sampler);
            Row[] runs = new Row[reps];
            for (int r = 0; r < reps; r++) runs[r] = once(model, prompt, tokens, run, sampler);
            Arrays.sort(runs, (a, b) -> Double.compare(a.tokensPerSecond(), b.tokensPerSecond()));
            Row row = runs[reps / 2];
            rows.add(row);
            onRow.accept(row);
        }
        return rows;
    }

    private static Row once(LlamaModel model, int[] prompt, int tokens, RunConfig run, Sampler sampler) {
        int n = prompt.length;
        float[] last = new float[model.config().vocabSize()];
        SequenceParallelPrefill prefill = new SequenceParallelPrefill(model, run);
        try (Decoder decoder = new Decoder(model, prefill.run(prompt, pos -> pos == n - 1,
                (pos, logits, off) -> System.arraycopy(logits, off, last, 0, last.length)).caches())) {
            decoder.reserve(tokens);
            DecodeTimer timer = new DecodeTimer();
            decoder.timeWith(timer);
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long bytes0 = mx.getCurrentThreadAllocatedBytes();
            long sampling = 0, t0 = System.nanoTime();
            float[] logits = last;
            for (int i = 0; i < tokens; i++) {
                long s = System.nanoTime();
                int id = sampler.next(logits);
                sampling += System.nanoTime() - s;
                logits = decoder.step(id, n + i);
            }
            long wall = System.nanoTime() - t0;
            long bytes = mx.getCurrentThreadAllocatedBytes() - bytes0;
            double secs = wall / 1e9;
            return new Row(n, tokens, secs, tokens / secs, 1e3 * secs / tokens, share(timer.matmulNanos(), wall),
                    share(timer.attentionNanos(), wall), share(sampling, wall),
                    share(wall - timer.matmulNanos() - timer.attentionNanos() - sampling, wall), bytes / tokens);
        }
    }

    private static double share(long part, long whole) {
        return whole <= 0 ? 0 : (double) part / whole;
    }
}
