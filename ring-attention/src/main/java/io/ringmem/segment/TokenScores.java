package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.kv.TokenSelector;
import io.ringmem.ring.KvBlock;

import java.util.Arrays;
import java.util.List;

/**
 * Token selection for stored blocks: estimates each key's attention mass from the segment's mean query at that
 * layer and keeps the top share of a block (H2O-style heavy hitters, approximated through the mean query so no
 * extra attention pass is needed).
 *
 * <p>As an {@link ExtraContext} it wraps the segment's context to see every rank's queries as the layers run,
 * summing them per rank and layer ({@link QuerySums}); {@link #select} then scores a key row k_j by
 * {@code Σ_g max_{h in group g} q̄_h · k_{j,g}} (the {@link io.ringmem.kv.RetrievalIndex} score, per token) and keeps
 * the best {@code ceil(ratio · n)} tokens in position order. Thread-safe while the segment runs (one rank's calls
 * come from one thread). Not guaranteed: that the estimate ranks keys as their true accumulated attention would.
 */
public final class TokenScores implements ExtraContext {
    private final ExtraContext inner;
    private final int heads, kvHeads, headDim;
    private final QuerySums[] byRank;

    /** Records the queries of ranks 0..ranks-1 while passing {@code inner}'s blocks through. */
    public TokenScores(ExtraContext inner, int ranks, int layers, int heads, int kvHeads, int headDim) {
        this.inner = inner;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.byRank = new QuerySums[ranks];
        for (int r = 0; r < ranks; r++) byRank[r] = new QuerySums(layers, heads * headDim);
    }

    @Override
    public int rotaryOffset() {
        return inner.rotaryOffset();
    }

    @Override
    public List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        synchronized (byRank[rank]) {
            byRank[rank].add(layer, q, nq);
        }
        return inner.blocksFor(rank, layer, q, qPos, nq);
    }

    @Override
    public List<Part> partsFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        synchronized (byRank[rank]) {
            byRank[rank].add(layer, q, nq);
        }
        return inner.partsFor(rank, layer, q, qPos, nq);
    }

    /** What rank {@code rank} recorded (for its shard result; read it after the rank's pass). */
    public QuerySums rank(int rank) {
        return byRank[rank];
    }

    /** Every rank's sums, in rank order. */
    public QuerySums total() {
        return QuerySums.total(Arrays.asList(byRank));
    }

    /** The kept share of {@code block} (one layer's tokens, ascending positions) under the mean query of {@code q}. */
    static KvBlock select(KvBlock block, double ratio, QuerySums q, int heads, int kvHeads, int headDim) {
        int n = block.tokens(), keep = (int) Math.ceil(ratio * n);
        if (keep >= n) return block;
        int layer = block.layer(), group = heads / kvHeads, kvWidth = kvHeads * headDim;
        float[] scores = new float[n];
        double[] mean = q.mean(layer);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int g = 0; g < kvHeads; g++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int h = g * group; h < (g + 1) * group; h++) {
                    double d = 0;
                    for (int c = 0; c < headDim; c++) d += mean[h * headDim + c] * block.k()[j * kvWidth + g * headDim + c];
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

    /** {@link #select} with this segment's queries of every rank. */
    KvBlock select(KvBlock block, double ratio) {
        return select(block, ratio, total(), heads, kvHeads, headDim);
    }
}
