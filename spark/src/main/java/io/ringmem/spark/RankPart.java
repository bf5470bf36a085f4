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
 */
record RankPart(long seq, String id, int rank, int tokens, int[] positions, double[] nll, float[] hiddenSum, String error)
        implements Serializable {
}
