package io.ringmem.protocol;

import io.ringmem.segment.QuerySums;

import java.io.Serializable;

/**
 * What one rank computed for a segment.
 *
 * @param rank           rank in the ring
 * @param worker         name of the worker that ran it
 * @param positions      (n) global positions of the rank's tokens
 * @param nll            (n) NLL of the token after each position, NaN where there is none (or not asked)
 * @param hiddenSum      (dim) sum of the final normed hidden states of the rank's tokens, or null
 * @param computeNanos   wall time of the rank's pass
 * @param ringWaitNanos  time blocked on the ring
 * @param bytesSent      KV bytes this rank sent to its neighbour
 * @param queries        with token selection: the rank's query sums per layer (finalize selects with the sum over
 *                       ranks); else null
 */
public record ShardResult(int rank, String worker, int[] positions, double[] nll, float[] hiddenSum,
                          long computeNanos, long ringWaitNanos, long bytesSent,
                          QuerySums queries) implements Serializable {
    public ShardResult {
        if (positions.length != nll.length) throw new IllegalArgumentException("positions and nll differ in length");
    }
}
