package io.ringmem.forward;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Continues a prompt: a sequence-parallel prefill of the prompt fills the sharded KV cache, then tokens are
 * decoded one at a time with {@link Decoder} and chosen by a {@link Sampler}.
 */
public final class Generator {
    private final LlamaModel model;
    private final RunConfig run;

    public Generator(LlamaModel model, RunConfig run) {
        this.model = model;
        this.run = run;
    }

    /** Receives each generated id as it is chosen; returning false stops generation after that id. */
    @FunctionalInterface
    public interface TokenListener {
        boolean accept(int id);
    }

    /**
     * @param prompt    (N ≥ 1) prompt ids, used as given
     * @param maxTokens new tokens at most
     * @param stopIds   ids that end generation (kept in the output)
     * @return prompt ids followed by the generated ids
     */
    public int[] generate(int[] prompt, int maxTokens, Sampler sampler, IntPredicate stopIds, TokenListener listener) {
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        int n = prompt.length;
        float[] last = new float[model.config().vocabSize()];
        PrefillResult prefill = new SequenceParallelPrefill(model, run).run(prompt, p -> p == n - 1,
                (p, logits, off) -> System.arraycopy(logits, off, last, 0, last.length));
        int[] out = Arrays.copyOf(prompt, n + maxTokens);
        int len = n;
        try (Decoder decoder = new Decoder(model, prefill.caches())) {
            decoder.reserve(Math.max(0, maxTokens - 1)); // bounded by the request: the steps never grow the cache
            float[] logits = last;
            for (int i = 0; i < maxTokens; i++) {
                int id = sampler.next(logits);
                out[len++] = id;
                if (!listener.accept(id) || stopIds.test(id) || i == maxTokens - 1) break;
                logits = decoder.step(id, len - 1);
            }
        }
        return Arrays.copyOf(out, len);
    }
}
