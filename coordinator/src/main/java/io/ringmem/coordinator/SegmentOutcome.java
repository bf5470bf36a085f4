package io.ringmem.coordinator;

import java.io.Serializable;

/**
 * What one finished segment of a document produced, as stored for aggregation.
 *
 * @param start, end       global positions [start, end)
 * @param nll              (end - start) NLL of the token after each position; NaN for the document's last token
 * @param embeddingSum     (dim) sum of the final normed hidden states of the segment's tokens, or null
 * @param workers          ring size used
 * @param seconds          wall time of the segment (all attempts)
 * @param ringWaitSeconds  summed over ranks: time blocked on the ring
 * @param rawBytes         fp32 KV bytes of the segment
 * @param encodedBytes     stored bytes of its compressed blocks
 */
public record SegmentOutcome(int start, int end, double[] nll, float[] embeddingSum, int workers, double seconds,
                             double ringWaitSeconds, long rawBytes, long encodedBytes) implements Serializable {
    public SegmentOutcome {
        if (nll.length != end - start) {
            throw new IllegalArgumentException("nll covers " + nll.length + " positions, segment " + (end - start));
        }
    }
}
