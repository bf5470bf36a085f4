package io.ringmem.segment;

import io.ringmem.kv.BlockRanker;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.TwoLevelIndex;
import io.ringmem.kv.TwoLevelRanker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-layer block rankers a segment's retrieval searches, as {@link SegmentConfig#retrievalIndex()} says:
 * the flat {@link io.ringmem.kv.RetrievalIndex} over every summary of the state, or a {@link TwoLevelRanker} whose
 * resident level is the state's one box per earlier segment ({@link SegmentEntry}) and whose block level reads a
 * segment's summaries from the {@link KvBlockStore} ({@link KvBlockStore#summaries}) only when the search visits it,
 * keeping the last {@value #OPEN_SEGMENTS} opened segments per layer (a bounded LRU, dropped with the segment's
 * context).
 */
final class RetrievalIndexes {
    /** Segments whose block summaries one layer's ranker keeps open at once. */
    static final int OPEN_SEGMENTS = 64;

    private RetrievalIndexes() {
    }

    /** One ranker per layer over the state's summaries (flat) or segment entries (two-level, summaries in the store). */
    static BlockRanker[] of(SegmentState state, SegmentConfig seg, KvBlockStore store, int heads, int kvHeads, int headDim) {
        SegmentEntry.check(state, seg.retrievalIndex() == IndexLayout.TWO_LEVEL);
        if (seg.retrievalIndex() == IndexLayout.FLAT) return state.indexes(heads, kvHeads, headDim);
        BlockRanker[] out = new BlockRanker[state.layers()];
        for (int l = 0; l < out.length; l++) {
            List<BlockSummary> entries = state.summaries().get(l);
            TwoLevelIndex index = new TwoLevelIndex(heads, kvHeads, headDim);
            for (BlockSummary e : entries) index.addBox(SegmentEntry.segment(e), SegmentEntry.lo(e), SegmentEntry.hi(e));
            int layer = l;
            out[l] = new TwoLevelRanker(index, opened(segment -> store.summaries(layer, segment)),
                    SegmentEntry.blocks(entries), heads, headDim, seg.indexSegments());
        }
        return out;
    }

    /** {@code source} behind an LRU of the last {@link #OPEN_SEGMENTS} segments read. Thread-safe. */
    static TwoLevelIndex.SummarySource opened(TwoLevelIndex.SummarySource source) {
        Map<Integer, List<BlockSummary>> open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, List<BlockSummary>> eldest) {
                return size() > OPEN_SEGMENTS;
            }
        };
        return segment -> {
            synchronized (open) {
                List<BlockSummary> hit = open.get(segment);
                if (hit != null) return hit;
            }
            List<BlockSummary> read = source.blocksOf(segment);
            synchronized (open) {
                open.put(segment, read);
            }
            return read;
        };
    }

    /** Summaries grouped by the segment that stored them, storage order kept inside each. */
    static Map<Integer, List<BlockSummary>> bySegment(List<BlockSummary> layer) {
        Map<Integer, List<BlockSummary>> out = new TreeMap<>();
        for (BlockSummary s : layer) out.computeIfAbsent(BlockIds.segment(s.blockId()), k -> new ArrayList<>()).add(s);
        for (var e : out.entrySet()) e.setValue(List.copyOf(e.getValue()));
        return out;
    }
}
