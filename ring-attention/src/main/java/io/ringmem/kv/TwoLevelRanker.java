package io.ringmem.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link BlockRanker} over a {@link TwoLevelIndex}: segment boxes in memory, block summaries read from a
 * {@link TwoLevelIndex.SummarySource} for the segments the best-first search visits.
 *
 * <p>With {@code maxSegments == 0} (every segment allowed) every ranking equals the flat {@link RetrievalIndex}'s over
 * the same summaries, ids, scores and order, bit for bit; with a positive limit at most that many segments are read per
 * ranking, and the result may miss blocks of unvisited segments (counted in {@link #truncated()}).
 *
 * <p>Thread-safe for rankings once built (the index is not changed afterwards); the source must be too.
 */
public final class TwoLevelRanker implements BlockRanker {
    private final TwoLevelIndex index;
    private final TwoLevelIndex.SummarySource source;
    private final int maxSegments, blocks, width, headDim;
    private final LongAdder searches = new LongAdder(), visited = new LongAdder(), truncated = new LongAdder();

    /**
     * @param blocks      blocks the source holds over all indexed segments (what {@link #size()} reports)
     * @param maxSegments the most segments one ranking reads, or 0 for all (exhaustive)
     */
    public TwoLevelRanker(TwoLevelIndex index, TwoLevelIndex.SummarySource source, int blocks, int heads, int headDim,
                          int maxSegments) {
        if (maxSegments < 0) throw new IllegalArgumentException("maxSegments must be >= 0, got " + maxSegments);
        if (blocks < 0) throw new IllegalArgumentException("blocks must be >= 0, got " + blocks);
        this.index = index;
        this.source = source;
        this.blocks = blocks;
        this.width = heads * headDim;
        this.headDim = headDim;
        this.maxSegments = maxSegments;
    }

    @Override
    public List<RetrievalIndex.Hit> topK(float[] q, int k) {
        if (q.length != width) throw new IllegalArgumentException("q has " + q.length + " floats, expected " + width);
        return topK(RetrievalScoring.MEAN, q, 1, k);
    }

    @Override
    public List<RetrievalIndex.Hit> topK(RetrievalScoring scoring, float[] q, int nq, int k) {
        if (nq <= 0 || q.length < nq * width) {
            throw new IllegalArgumentException("q has " + q.length + " floats, expected nq*heads*headDim with nq >= 1");
        }
        for (int i = 0; i < nq * width; i++) if (!Float.isFinite(q[i])) throw new IllegalArgumentException("query is not finite");
        RetrievalScoring rows = scoring == RetrievalScoring.MEAN ? RetrievalScoring.MEAN : RetrievalScoring.TOKEN;
        TwoLevelIndex.Result r = index.topK(rows, q, nq, k, maxSegments == 0 ? Integer.MAX_VALUE : maxSegments, source);
        searches.increment();
        visited.add(r.segmentsVisited());
        if (!r.exhaustive()) truncated.increment();
        return r.hits();
    }

    @Override
    public List<RetrievalIndex.Hit> topKTokens(float[] q, int nq, int k) {
        return topK(RetrievalScoring.TOKEN, q, nq, k);
    }

    @Override
    public int queryWidth() {
        return width;
    }

    @Override
    public int size() {
        return blocks;
    }

    @Override
    public List<Long> blockIds() {
        List<Long> ids = new ArrayList<>(blocks);
        for (int segment : index.segmentNumbers()) for (BlockSummary b : source.blocksOf(segment)) ids.add(b.blockId());
        return ids.stream().distinct().sorted().toList();
    }

    @Override
    public int headDim() {
        return headDim;
    }

    /** Segments indexed. */
    public int segments() {
        return index.segments();
    }

    /** Bytes of the resident level ({@link TwoLevelIndex#bytes()}). */
    public long residentBytes() {
        return index.bytes();
    }

    /** Rankings made so far. */
    public long searches() {
        return searches.sum();
    }

    /** Segments read over all rankings so far. */
    public long segmentsVisited() {
        return visited.sum();
    }

    /** Rankings stopped by the segment limit (possibly not the flat scan's result). */
    public long truncated() {
        return truncated.sum();
    }
}
