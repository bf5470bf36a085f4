package io.ringmem.forward;

import java.util.Map;

/**
 * Per-token scores of a sequence.
 *
 * @param tokens  N
 * @param workers ranks used
 * @param nll     (N-1) {@code -log p(token[i+1] | tokens ≤ i)} in nats
 * @param argmax  (N) most likely next token after each position
 * @param logits  full logit rows for the positions the caller asked to keep
 * @param nanos   wall time of the forward pass
 */
public record ScoreResult(int tokens, int workers, double[] nll, int[] argmax, Map<Integer, float[]> logits,
                          long nanos) {
    public ScoreResult {
        logits = Map.copyOf(logits);
    }

    public double meanNll() {
        return LogProbs.mean(nll);
    }

    public double perplexity() {
        return Math.exp(meanNll());
    }

    public double tokensPerSecond() {
        return tokens / (nanos / 1e9);
    }
}
