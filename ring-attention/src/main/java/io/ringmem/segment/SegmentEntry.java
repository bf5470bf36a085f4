package io.ringmem.segment;

import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.TwoLevelIndex;

import java.util.Arrays;
import java.util.List;

/**
 * What a {@link SegmentState} keeps of one stored segment and layer under the two-level index
 * ({@link io.ringmem.kv.IndexLayout#TWO_LEVEL}), in place of the segment's block summaries: its bounding box and its
 * block count, carried as one {@link BlockSummary} so the state's codecs and stores hold it unchanged:
 * <pre>
 *   blockId  = BlockIds.of(segment, MARK | blocks) segment number and block count, marked (no block number has MARK)
 *   meanKeys = lo ++ hi                           (2, kvHeads, headDim): the box of {@link TwoLevelIndex#box}
 * </pre>
 * The block summaries themselves are kept in the {@link KvBlockStore} ({@link KvBlockStore#putSummaries}) and read
 * per segment when the search visits it. Not guaranteed: that a state written under one index layout is read
 * correctly under the other (a document must keep its retrieval index from its first segment to its last).
 */
final class SegmentEntry {
    /** Set in an entry's block field: tells a two-level state from a flat one (blocks per segment stay below it). */
    static final int MARK = 1 << 23;

    private SegmentEntry() {
    }

    /** Whether {@code s} is a segment entry rather than a block summary. */
    static boolean isEntry(BlockSummary s) {
        return (BlockIds.block(s.blockId()) & MARK) != 0;
    }

    /**
     * Checks that the state's summaries are laid out as {@code twoLevel} says (layer 0's first one tells); a one-line
     * error naming the layout the document was processed with otherwise.
     */
    static void check(SegmentState state, boolean twoLevel) {
        if (state.summaries().isEmpty() || state.summaries().getFirst().isEmpty()) return;
        if (isEntry(state.summaries().getFirst().getFirst()) != twoLevel) {
            throw new IllegalArgumentException("the document was processed with retrievalIndex "
                    + (twoLevel ? "flat" : "two-level") + ": continue or ask it with the same retrievalIndex");
        }
    }

    /** The entry of segment {@code segment} whose block summaries (of one layer, at least one) are {@code blocks}. */
    static BlockSummary of(int segment, List<BlockSummary> blocks) {
        if (blocks.size() >= MARK) throw new IllegalArgumentException("segment " + segment + " has over 2^23 blocks");
        BlockSummary first = blocks.getFirst();
        int kvHeads = first.kvHeads(), headDim = first.headDim(), w = kvHeads * headDim;
        float[][] box = TwoLevelIndex.box(segment, blocks, kvHeads, headDim);
        float[] keys = Arrays.copyOf(box[0], 2 * w);
        System.arraycopy(box[1], 0, keys, w, w);
        return new BlockSummary(BlockIds.of(segment, MARK | blocks.size()), kvHeads, headDim, keys);
    }

    static int segment(BlockSummary entry) {
        return BlockIds.segment(entry.blockId());
    }

    /** Blocks the segment stored in this layer. */
    static int blocks(BlockSummary entry) {
        return BlockIds.block(entry.blockId()) & ~MARK;
    }

    /** (kvHeads, headDim) least representative keys. */
    static float[] lo(BlockSummary entry) {
        int w = entry.kvHeads() * entry.headDim();
        return Arrays.copyOfRange(entry.meanKeys(), 0, w);
    }

    /** (kvHeads, headDim) largest representative keys. */
    static float[] hi(BlockSummary entry) {
        int w = entry.kvHeads() * entry.headDim();
        return Arrays.copyOfRange(entry.meanKeys(), w, 2 * w);
    }

    /** Blocks of every entry of one layer. */
    static int blocks(List<BlockSummary> entries) {
        int n = 0;
        for (BlockSummary e : entries) n += blocks(e);
        return n;
    }
}
