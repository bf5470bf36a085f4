package io.ringmem.segment;

/**
 * The rotary positions of one segment under {@link Positions#WINDOW}: where its tokens and its carried keys sit so
 * that every query–key distance stays inside the trained context C.
 *
 * <p>Layout (rotary positions, ascending): {@code [sinks | K retrieved-block slots | previous window | segment]},
 * K = {@code retrievedBlocks} (the retrieval top-k, at most the blocks stored so far). With
 * {@code L = sinkTokens + K·B + windowTokens} (B = blockTokens) and segments of S tokens, a carried key gets a
 * distance d from the segment's first token:
 * <ul>
 *   <li>window token at document position p: {@code d = start - p} (its true distance, 1 … windowTokens);</li>
 *   <li>retrieved token in slot j: {@code d = L - sinkTokens - j·B - (p mod S) mod B}: a query chunk's chosen
 *   blocks fill slots 0 … K-1 in document order, each keeping its tokens' order inside the block;</li>
 *   <li>sink token: {@code d = L - p}.</li>
 * </ul>
 * Then {@code d} is clamped to {@code dMax = max(1, min(L, C - S))} and the segment's token i sits at
 * {@code dMax + i}, a carried key at {@code dMax - d}. So when {@code L + S <= C} every carried key keeps its layout
 * distance and the largest query–key distance is {@code L + S - 1 < C}; when the segment leaves less room, the
 * farthest carried keys share the position {@code 0}. Not guaranteed: when S itself exceeds C, the segment's own
 * distances reach S - 1 and are out of the trained range (a warning says so; use segments of at most C - L tokens).
 *
 * @param start           document position of the segment's first token
 * @param segmentTokens   S, the configured segment length (the last, shorter segment uses the same layout)
 * @param sinkTokens      configured sinks
 * @param blockTokens     B, tokens per stored block
 * @param retrievedBlocks K, slots for retrieved blocks per query chunk (0 without retrieval)
 * @param windowTokens    configured window
 * @param context         C, the trained context
 */
public record WindowLayout(int start, int segmentTokens, int sinkTokens, int blockTokens, int retrievedBlocks, int windowTokens,
                           int context) {
    public WindowLayout {
        if (start < 0 || segmentTokens < 1 || sinkTokens < 0 || blockTokens < 1 || retrievedBlocks < 0 || windowTokens < 0
                || context < 1) {
            throw new IllegalArgumentException("bad window layout " + start + "/" + segmentTokens + "/" + sinkTokens + "/"
                    + blockTokens + "/" + retrievedBlocks + "/" + windowTokens + "/" + context);
        }
    }

    /** The layout of the segment starting at {@code start} under {@code seg} (resolved: context > 0). */
    static WindowLayout of(SegmentConfig seg, int start, int storedBlocks) {
        return new WindowLayout(start, seg.segmentTokens(), seg.sinkTokens(), seg.blockTokens(),
                Math.min(seg.retrieveTopK(), storedBlocks), seg.windowTokens(), seg.contextTokens());
    }

    /** L: the carried span of the layout before clamping. */
    public long carriedSpan() {
        return sinkTokens + (long) retrievedBlocks * blockTokens + windowTokens;
    }

    /** The largest carried distance kept: {@code max(1, min(L, C - S))}; also the segment's first rotary position. */
    public int maxDistance() {
        return (int) Math.max(1, Math.min(carriedSpan(), context - segmentTokens));
    }

    /** Document position minus rotary position of the segment's tokens: rotary = global - offset. */
    public int offset() {
        return start - maxDistance();
    }

    /**
     * The rotary position of a carried key at document position {@code p < start}, given where the carried context's
     * parts are: window keys from {@code windowStart}, sinks below {@code sinkEnd}, retrieved keys in between, in
     * retrieval slot {@code slot} (0 … K-1; ignored for sinks and window).
     */
    public int rotaryOf(int p, int sinkEnd, int windowStart, int slot) {
        long d;
        if (p >= windowStart) d = start - p;
        else if (p < sinkEnd) d = carriedSpan() - p;
        else d = carriedSpan() - sinkTokens - (long) slot * blockTokens - Math.floorMod(p, segmentTokens) % blockTokens;
        int dMax = maxDistance();
        return dMax - (int) Math.max(1, Math.min(d, dMax));
    }
}
