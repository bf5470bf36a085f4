package io.ringmem.segment;

import io.ringmem.kv.BlockRanker;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.RetrievalScoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The block choice of {@link RetrievalScoring#PER_TOKEN} for one query chunk: every query token t ranks the blocks by
 * its own query against the block summaries ({@link RetrievalIndex#topK(float[], int)}: the best representative key,
 * per head, summed over heads) and keeps its top-k.
 *
 * <p>Per-chunk cap: the chunk fetches the union of its tokens' choices, at most {@code cap} distinct blocks. The union
 * is filled rank by rank (every token's best block first, in token order, then every token's second best, ...); a
 * choice whose block would be one more than {@code cap} is dropped, so a token may keep fewer than k blocks (never a
 * block it did not choose). With {@code cap >= nq * k} nothing is dropped and each token keeps exactly its own top-k.
 * With {@code cap >= nq} every token keeps at least its best block.
 *
 * <p>Not guaranteed: that the chosen blocks hold the most attention mass (the summaries are approximations).
 */
final class PerTokenChoice {
    private PerTokenChoice() {
    }

    /**
     * @param q     (nq, heads, headDim) queries as retrieval scores them; the chunk is rows [from, to)
     * @param width heads × headDim
     * @return per token of [from, to), the ids (ascending) of the blocks it attends to
     */
    static List<List<Long>> choose(BlockRanker index, float[] q, int width, int from, int to, int k, int cap) {
        int n = to - from;
        List<List<RetrievalIndex.Hit>> ranked = new ArrayList<>(n);
        for (int t = from; t < to; t++) ranked.add(index.topK(Arrays.copyOfRange(q, t * width, (t + 1) * width), k));
        Set<Long> union = new HashSet<>();
        List<List<Long>> out = new ArrayList<>(n);
        for (int t = 0; t < n; t++) out.add(new ArrayList<>(k));
        for (int r = 0; r < k; r++) {
            for (int t = 0; t < n; t++) {
                List<RetrievalIndex.Hit> hits = ranked.get(t);
                if (r >= hits.size()) continue;
                long id = hits.get(r).blockId();
                if (union.contains(id) || union.size() < cap) {
                    union.add(id);
                    out.get(t).add(id);
                }
            }
        }
        for (List<Long> ids : out) Collections.sort(ids);
        return out;
    }
}
