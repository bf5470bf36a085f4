package io.ringmem.spark;

import java.io.Serializable;

/**
 * What one rank of the ring execution found for one document: the NLL of its shard's positions and its pooled hidden
 * state sum; or the document's error (from rank 0 only).
 *
 * @param seq       the document's index in the input
 * @param tokens    N
 * @param positions the rank's positions that predict a next token (each {@code < N - 1})
 * @param nll       NLL at {@code positions}
 * @param hiddenSum (dim) the rank's sum of final normed hidden states, or null (score)
 * @param segments  segments the document ran in (1: one exact prefill)
 * @param storeBytes compressed KV block bytes written (rank 0's count; 0 elsewhere)
 * @param compressionRatio fp32 bytes / stored bytes of the blocks (rank 0's; 1 elsewhere)
 */
record RankPart(long seq, String id, int rank, int tokens, int[] positions, double[] nll, float[] hiddenSum, String error,
                int segments, long storeBytes, double compressionRatio) implements Serializable {
    /** A rank's part of a document run as one exact prefill. */
    static RankPart exact(long seq, String id, int rank, int tokens, int[] positions, double[] nll, float[] hiddenSum) {
        return new RankPart(seq, id, rank, tokens, positions, nll, hiddenSum, null, 1, 0, 1.0);
    }

    /** The document's error (rank 0 only). */
    static RankPart failed(long seq, String id, String error) {
        return new RankPart(seq, id, 0, 0, null, null, null, error, 0, 0, 1.0);
    }
}
