package io.ringmem.segment;

import java.util.List;

/**
 * Per-token scores of a document processed in segments.
 *
 * @param nll              (N-1) {@code -log p(token[i+1] | carried context, segment tokens ≤ i)}
 * @param segments         how many segments were run
 * @param storeBytes       bytes the compressed KV blocks occupy in the store
 * @param compressionRatio fp32 KV bytes of every token of the stored blocks divided by the encoded bytes (token
 *                         selection and the codec together)
 * @param segmentMeanNll   mean NLL per segment (the last token of a segment is scored with its segment)
 * @param memoryTokens     M, the memory tokens used per segment (0 when memory tokens were off or absent)
 * @param memoryStates     per segment, the (M, dim) memory it wrote (the next segment's read memory); empty when
 *                         {@code memoryTokens} is 0
 * @param positions        the positions policy that ran (window or document; {@link SegmentConfig#resolvedFor})
 * @param contextTokens    the trained context the policy used
 * @param embedding        (dim) the mean final hidden state after the final RMSNorm, or null when not asked for
 */
public record SegmentScoreResult(int tokens, int workers, double[] nll, int segments, long storeBytes,
                                 double compressionRatio, double[] segmentMeanNll, long nanos, int memoryTokens,
                                 List<float[]> memoryStates, Positions positions, int contextTokens, float[] embedding) {
    public SegmentScoreResult {
        memoryStates = List.copyOf(memoryStates);
    }

    /** A result without an embedding. */
    public SegmentScoreResult(int tokens, int workers, double[] nll, int segments, long storeBytes, double compressionRatio,
                              double[] segmentMeanNll, long nanos, int memoryTokens, List<float[]> memoryStates,
                              Positions positions, int contextTokens) {
        this(tokens, workers, nll, segments, storeBytes, compressionRatio, segmentMeanNll, nanos, memoryTokens, memoryStates,
                positions, contextTokens, null);
    }

    public double meanNll() {
        return io.ringmem.forward.LogProbs.mean(nll);
    }

    public double perplexity() {
        return Math.exp(meanNll());
    }

    public double tokensPerSecond() {
        return tokens / (nanos / 1e9);
    }
}
