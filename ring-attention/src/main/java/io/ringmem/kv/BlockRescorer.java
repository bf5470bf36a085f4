package io.ringmem.kv;

/**
 * The second stage of {@link RetrievalScoring#RESCORE}: a block scored by its exact keys, as the largest
 * query-key logit any query token and query head of the chunk gives any of its keys.
 *
 * <p>Exactly: with {@code group = heads / kvHeads}, query head h reading KV head {@code h / group},
 * <pre>
 *   maxLogit = max_{t &lt; nq, h &lt; heads, j &lt; n} q[t, h] · k[j, h / group]
 * </pre>
 * accumulated in double, without the 1/√headDim scale. A block holding one key that some head attends to sharply
 * scores high however random its other keys are. Stateless; thread-safe.
 */
public final class BlockRescorer {
    private BlockRescorer() {
    }

    /**
     * @param q (nq, heads, headDim) queries
     * @param k (n, kvHeads, headDim) keys of the block
     * @return the largest logit; negative infinity when n or nq is 0
     */
    public static double maxLogit(float[] q, int nq, int heads, float[] k, int n, int kvHeads, int headDim) {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) throw new IllegalArgumentException("heads must be a multiple of kvHeads");
        if (q.length < nq * heads * headDim || k.length < n * kvHeads * headDim) throw new IllegalArgumentException("q or k too short");
        int group = heads / kvHeads, qw = heads * headDim, kw = kvHeads * headDim;
        double best = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < nq; t++) {
            for (int h = 0; h < heads; h++) {
                int qo = t * qw + h * headDim, g = h / group;
                for (int j = 0; j < n; j++) {
                    int ko = j * kw + g * headDim;
                    double dot = 0;
                    for (int c = 0; c < headDim; c++) dot += (double) q[qo + c] * k[ko + c];
                    if (dot > best) best = dot;
                }
            }
        }
        return best;
    }
}
