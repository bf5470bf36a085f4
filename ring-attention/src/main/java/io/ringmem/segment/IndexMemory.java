package io.ringmem.segment;

import io.ringmem.kv.BlockSummary;

/**
 * Resident retrieval-index bytes of one worker for one document, flat against two-level, counting the float payload
 * and the block or segment number of each entry (no JVM object headers):
 * <pre>
 *   flat      = layers × blocks   × (4 × summaryKeys × kvHeads × headDim + 8)     one summary per stored block
 *   two-level = layers × segments × (8 × kvHeads × headDim + 8)                   one box (lo, hi) per stored segment
 * </pre>
 * where {@code blocks} and {@code segments} count the stored ones (every segment's tokens cut into blocks of
 * {@code blockTokens}). Under the two-level index the state holds exactly that ({@link SegmentEntry}: box, segment and
 * block count; {@link #residentBytes}), the block summaries being in the {@link KvBlockStore}; the search reads,
 * besides its resident level, the block summaries of the segments it visits (transient, at most
 * {@value RetrievalIndexes#OPEN_SEGMENTS} segments per layer kept open while one segment runs).
 *
 * @param flatBytes     bytes of every block summary
 * @param twoLevelBytes bytes of every segment box
 */
public record IndexMemory(long blocks, long segments, long flatBytes, long twoLevelBytes) {
    /** Bytes of one flat entry: the summary's floats and its block id. */
    public static long flatEntryBytes(int kvHeads, int headDim, int summaryKeys) {
        return 4L * summaryKeys * kvHeads * headDim + 8;
    }

    /** Bytes of one two-level entry: the box's two floats per KV channel, and the segment and block count (a long). */
    public static long boxBytes(int kvHeads, int headDim) {
        return 8L * kvHeads * headDim + 8;
    }

    /**
     * Bytes of the summaries a state actually carries, layers summed: each entry's floats and its id. Every block
     * summary for a flat state ({@link #flatBytes}); one box per segment for a two-level state ({@link #twoLevelBytes}).
     */
    public static long residentBytes(SegmentState state) {
        long n = 0;
        for (var layer : state.summaries()) for (BlockSummary s : layer) n += 4L * s.meanKeys().length + 8;
        return n;
    }

    /** What a flat state's summaries take, and their boxes would, layers summed (measured from the summaries it carries). */
    public static IndexMemory of(SegmentState state) {
        long blocks = 0, segments = 0, flat = 0, two = 0;
        for (var layer : state.summaries()) {
            blocks += layer.size();
            var bySegment = RetrievalIndexes.bySegment(layer);
            segments += bySegment.size();
            for (BlockSummary s : layer) flat += 4L * s.meanKeys().length + 8;
            for (var seg : bySegment.values()) two += boxBytes(seg.getFirst().kvHeads(), seg.getFirst().headDim());
        }
        return new IndexMemory(blocks, segments, flat, two);
    }

    /**
     * The same for a document of {@code tokens} tokens with every segment and block stored (layers summed), computed
     * from the shape: segments of {@code segmentTokens}, each cut into blocks of {@code blockTokens}.
     */
    public static IndexMemory estimate(long tokens, int layers, int kvHeads, int headDim, int segmentTokens, int blockTokens,
                                       int summaryKeys) {
        if (tokens < 0 || layers < 1 || kvHeads < 1 || headDim < 1 || segmentTokens < 1 || blockTokens < 1 || summaryKeys < 1) {
            throw new IllegalArgumentException("need tokens >= 0 and positive shape, segment, block and key counts");
        }
        long full = tokens / segmentTokens, rest = tokens % segmentTokens;
        long blocksPerLayer = full * ceil(segmentTokens, blockTokens) + ceil(rest, blockTokens);
        long segmentsPerLayer = full + (rest > 0 ? 1 : 0);
        return new IndexMemory(layers * blocksPerLayer, layers * segmentsPerLayer,
                layers * blocksPerLayer * flatEntryBytes(kvHeads, headDim, summaryKeys),
                layers * segmentsPerLayer * boxBytes(kvHeads, headDim));
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
