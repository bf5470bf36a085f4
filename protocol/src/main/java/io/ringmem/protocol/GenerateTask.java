package io.ringmem.protocol;

/** Plain generation on one worker: sample up to {@code maxTokens} after the prompt. */
public record GenerateTask(int[] promptIds, int maxTokens, double temperature, double topP, long seed, int[] stopIds)
        implements WorkerRequest<TokensResult> {
    public GenerateTask {
        if (promptIds.length == 0) throw new IllegalArgumentException("empty prompt");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
}
