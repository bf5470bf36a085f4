package io.ringmem.segment;

import io.ringmem.kv.BlockRanker;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.TwoLevelIndex;
import io.ringmem.kv.TwoLevelRanker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-layer block rankers a segment's retrieval searches, as {@link SegmentConfig#retrievalIndex()} says:
 * the flat {@link io.ringmem.kv.RetrievalIndex} over every summary of the state, or a {@link TwoLevelRanker} whose
 * resident level is one box per earlier segment and whose block level reads a segment's summaries only when the
 * search visits it.
 *
 * <p>Summary source here: the state's own per-segment lists ({@link SegmentState#summaries()} grouped by
 * {@link BlockIds#segment}). Not guaranteed: that a process using this class holds less memory than with the flat
 * index, since a {@link SegmentState} still carries every summary; the resident-index accounting is
 * {@link IndexMemory}.
 */
final class RetrievalIndexes {
    private RetrievalIndexes() {
    }

    /** One ranker per layer over the state's summaries. */
    static BlockRanker[] of(SegmentState state, SegmentConfig seg, int heads, int kvHeads, int headDim) {
        if (seg.retrievalIndex() == IndexLayout.FLAT) return state.indexes(heads, kvHeads, headDim);
        BlockRanker[] out = new BlockRanker[state.layers()];
        for (int l = 0; l < out.length; l++) {
            Map<Integer, List<BlockSummary>> bySegment = bySegment(state.summaries().get(l));
            TwoLevelIndex index = new TwoLevelIndex(heads, kvHeads, headDim);
            for (var e : bySegment.entrySet()) index.addSegment(e.getKey(), e.getValue());
            out[l] = new TwoLevelRanker(index, segment -> bySegment.getOrDefault(segment, List.of()),
                    state.summaries().get(l).size(), heads, headDim, seg.indexSegments());
        }
        return out;
    }

    /** Summaries grouped by the segment that stored them, storage order kept inside each. */
    static Map<Integer, List<BlockSummary>> bySegment(List<BlockSummary> layer) {
        Map<Integer, List<BlockSummary>> out = new TreeMap<>();
        for (BlockSummary s : layer) out.computeIfAbsent(BlockIds.segment(s.blockId()), k -> new ArrayList<>()).add(s);
        for (var e : out.entrySet()) e.setValue(List.copyOf(e.getValue()));
        return out;
    }
}
