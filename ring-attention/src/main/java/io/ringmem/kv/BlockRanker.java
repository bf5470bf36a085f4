package io.ringmem.kv;

import java.util.List;

/**
 * Ranks the stored blocks of one layer for query tokens: the operations segment mode's retrieval uses, with the
 * scoring and ordering of {@link RetrievalIndex} (score descending, then block id ascending). Implemented by the flat
 * {@link RetrievalIndex} and by {@link TwoLevelRanker}.
 */
public interface BlockRanker {
    /** The best {@code k} blocks for one query token q (heads, headDim). */
    List<RetrievalIndex.Hit> topK(float[] q, int k);

    /**
     * The best {@code k} blocks for a chunk q (nq, heads, headDim): by its mean query (MEAN) or by its best token (every
     * other scoring).
     */
    List<RetrievalIndex.Hit> topK(RetrievalScoring scoring, float[] q, int nq, int k);

    /** The best {@code k} blocks for a chunk scored token by token ({@link RetrievalScoring#TOKEN}). */
    List<RetrievalIndex.Hit> topKTokens(float[] q, int nq, int k);

    /** Floats per query token: heads × headDim. */
    int queryWidth();

    /** Blocks ranked. */
    int size();

    /**
     * Every ranked block's id, ascending, each once (what an exhaustive pass over the stored blocks reads, as
     * {@link RetrievalScoring#LAST_EXACT}'s last layer does). A two-level ranker reads every segment's summaries from
     * its source for this: O(blocks), meant for passes that read every block anyway.
     */
    List<Long> blockIds();

    /** Channels per KV head of the ranked keys. */
    int headDim();
}
