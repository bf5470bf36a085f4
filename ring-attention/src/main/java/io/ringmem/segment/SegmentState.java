package io.ringmem.segment;

import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * The recurrent state a document carries from one segment to the next: everything a later segment (or a question
 * about the document) needs besides the stored KV blocks themselves. It is small (sinks, one window, one
 * summary per stored block or, two-level, per stored segment, the memory) and self-contained, so a distributed
 * runtime can keep it in its store after every segment and resume a document from it.
 *
 * @param segmentsDone segments folded into this state (0 for a fresh document)
 * @param nextPosition global position of the first token not yet processed
 * @param sinks        [layer] the document's first tokens, exact; null entries before the first segment
 * @param window       [layer] the last window of the latest segment, exact; null entries before the first segment
 * @param summaries    [layer] summaries of every stored block, in storage order; under the two-level index instead
 *                     one entry per stored segment (its box and block count, {@link SegmentEntry}), the block
 *                     summaries being in the {@link KvBlockStore}
 * @param memory       (M, dim) the read memory of the next segment, or null without memory tokens
 *
 * <p>Arrays are shared, not copied: treat a state as immutable.
 */
public record SegmentState(int segmentsDone, int nextPosition, KvBlock[] sinks, KvBlock[] window,
                           List<List<BlockSummary>> summaries, float[] memory) {
    public SegmentState {
        if (segmentsDone < 0 || nextPosition < 0) throw new IllegalArgumentException("negative segment count or position");
        if (sinks.length != window.length || sinks.length != summaries.size()) {
            throw new IllegalArgumentException("sinks, window and summaries must have one entry per layer");
        }
        List<List<BlockSummary>> copy = new ArrayList<>(summaries.size());
        for (List<BlockSummary> l : summaries) copy.add(List.copyOf(l));
        summaries = List.copyOf(copy);
    }

    /** The state of a document before its first segment. */
    public static SegmentState initial(int layers, float[] memory) {
        List<List<BlockSummary>> empty = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) empty.add(List.of());
        return new SegmentState(0, 0, new KvBlock[layers], new KvBlock[layers], empty, memory);
    }

    /** The same state with other summaries (one list per layer). */
    public SegmentState withSummaries(List<List<BlockSummary>> perLayer) {
        return new SegmentState(segmentsDone, nextPosition, sinks, window, perLayer, memory);
    }

    /** Per layer, the summaries of the blocks stored by segment {@code segment}, in storage order. */
    public List<List<BlockSummary>> summariesOf(int segment) {
        List<List<BlockSummary>> out = new ArrayList<>(summaries.size());
        for (List<BlockSummary> layer : summaries) {
            List<BlockSummary> mine = new ArrayList<>();
            for (BlockSummary s : layer) if (BlockIds.segment(s.blockId()) == segment) mine.add(s);
            out.add(mine);
        }
        return out;
    }

    public int layers() {
        return sinks.length;
    }

    /** Retrieval indexes over the summaries, one per layer. */
    RetrievalIndex[] indexes(int heads, int kvHeads, int headDim) {
        RetrievalIndex[] out = new RetrievalIndex[layers()];
        for (int l = 0; l < out.length; l++) out[l] = RetrievalIndex.over(heads, kvHeads, headDim, summaries.get(l));
        return out;
    }
}
