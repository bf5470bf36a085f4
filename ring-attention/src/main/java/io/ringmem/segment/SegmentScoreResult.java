package io.ringmem.segment;

/**
 * Per-token scores of a document processed in segments.
 *
 * @param nll              (N-1) {@code -log p(token[i+1] | carried context, segment tokens ≤ i)}
 * @param segments         how many segments were run
 * @param storeBytes       bytes the compressed KV blocks occupy in the store
 * @param compressionRatio fp32 KV bytes of the stored tokens divided by their encoded bytes
 * @param segmentMeanNll   mean NLL per segment (the last token of a segment is scored with its segment)
 */
public record SegmentScoreResult(int tokens, int workers, double[] nll, int segments, long storeBytes,
                                 double compressionRatio, double[] segmentMeanNll, long nanos) {
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
