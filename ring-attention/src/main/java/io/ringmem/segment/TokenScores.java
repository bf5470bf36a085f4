package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.kv.TokenSelector;
import io.ringmem.ring.KvBlock;

import java.util.List;

/**
 * Token selection for stored blocks: estimates each key's attention mass from the segment's mean query at that
 * layer and keeps the top share of a block (H2O-style heavy hitters, approximated through the mean query so no
 * extra attention pass is needed).
 *
 * <p>It wraps the segment's {@link ExtraContext} to see every rank's queries as the layers run, summing them per
 * layer; {@link #select} then scores a key row k_j by {@code Σ_g max_{h in group g} q̄_h · k_{j,g}} (the
 * {@link io.ringmem.kv.RetrievalIndex} score, per token) and keeps the best {@code ceil(ratio · n)} tokens in
 * position order. Thread-safe while the segment runs (per-layer sums are synchronized). Not guaranteed: that the
 * estimate ranks keys as their true accumulated attention would.
 */
final class TokenScores implements ExtraContext {
    private final ExtraContext inner;
    private final int heads, kvHeads, headDim;
    private final double[][] sums; // [layer] (heads, headDim)
    private final long[] counts;

    TokenScores(ExtraContext inner, int layers, int heads, int kvHeads, int headDim) {
        this.inner = inner;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.sums = new double[layers][heads * headDim];
        this.counts = new long[layers];
    }

    @Override
    public List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        int w = heads * headDim;
        double[] local = new double[w];
        for (int t = 0; t < nq; t++) for (int c = 0; c < w; c++) local[c] += q[t * w + c];
        synchronized (sums[layer]) {
            for (int c = 0; c < w; c++) sums[layer][c] += local[c];
            counts[layer] += nq;
        }
        return inner.blocksFor(rank, layer, q, qPos, nq);
    }

    /** The kept share of {@code block} (one layer's tokens, ascending positions), as a new block. */
    KvBlock select(KvBlock block, double ratio) {
        int n = block.tokens(), keep = (int) Math.ceil(ratio * n);
        if (keep >= n) return block;
        int layer = block.layer(), group = heads / kvHeads, kvWidth = kvHeads * headDim;
        float[] scores = new float[n];
        double[] sum = sums[layer];
        double inv = counts[layer] == 0 ? 0 : 1.0 / counts[layer];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int g = 0; g < kvHeads; g++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int h = g * group; h < (g + 1) * group; h++) {
                    double d = 0;
                    for (int c = 0; c < headDim; c++) d += sum[h * headDim + c] * inv * block.k()[j * kvWidth + g * headDim + c];
                    best = Math.max(best, d);
                }
                s += best;
            }
            scores[j] = (float) s;
        }
        int[] idx = TokenSelector.select(scores, 0, keep);
        return new KvBlock(layer, block.sourceRank(), TokenSelector.gather(block.positions(), idx),
                TokenSelector.gather(block.k(), idx, kvWidth), TokenSelector.gather(block.v(), idx, kvWidth));
    }
}
