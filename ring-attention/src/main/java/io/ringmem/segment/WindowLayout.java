package io.ringmem.segment;

/**
 * The rotary positions of one segment under {@link Positions#WINDOW}: where its tokens and its carried keys sit so
 * that every query–key distance stays inside the trained context C.
 *
 * <p>Layout (rotary positions, ascending): {@code [sinks | one retrieved block | previous window | segment]}. With
 * {@code L = sinkTokens + B + windowTokens} (B = blockTokens when retrieval is on, else 0) and segments of S tokens,
 * a carried key gets a distance d from the segment's first token:
 * <ul>
 *   <li>window token at document position p: {@code d = start - p} (its true distance, 1 … windowTokens);</li>
 *   <li>retrieved token: {@code d = L - sinkTokens - (p mod S) mod B}, i.e. every retrieved block shares one slot of
 *   B positions between the sinks and the window and keeps its tokens' order inside the block (InfLLM gives all
 *   distant memory one position; this keeps the in-block order);</li>
 *   <li>sink token: {@code d = L - p}.</li>
 * </ul>
 * Then {@code d} is clamped to {@code dMax = max(1, min(L, C - S))} and the segment's token i sits at
 * {@code dMax + i}, a carried key at {@code dMax - d}. So when {@code L + S <= C} every carried key keeps its layout
 * distance and the largest query–key distance is {@code L + S - 1 < C}; when the segment leaves less room, the
 * farthest carried keys share the position {@code 0}. Not guaranteed: when S itself exceeds C, the segment's own
 * distances reach S - 1 and are out of the trained range (a warning says so; use segments of at most C - L tokens).
 *
 * @param start          document position of the segment's first token
 * @param segmentTokens  S, the configured segment length (the last, shorter segment uses the same layout)
 * @param sinkTokens     configured sinks
 * @param retrievedSlot  B when retrieval is on, else 0
 * @param windowTokens   configured window
 * @param context        C, the trained context
 */
public record WindowLayout(int start, int segmentTokens, int sinkTokens, int retrievedSlot, int windowTokens, int context) {
    public WindowLayout {
        if (start < 0 || segmentTokens < 1 || sinkTokens < 0 || retrievedSlot < 0 || windowTokens < 0 || context < 1) {
            throw new IllegalArgumentException("bad window layout " + start + "/" + segmentTokens + "/" + sinkTokens + "/"
                    + retrievedSlot + "/" + windowTokens + "/" + context);
        }
    }

    /** The layout of the segment starting at {@code start} under {@code seg} (resolved: context > 0). */
    static WindowLayout of(SegmentConfig seg, int start) {
        return new WindowLayout(start, seg.segmentTokens(), seg.sinkTokens(), seg.retrieveTopK() > 0 ? seg.blockTokens() : 0,
                seg.windowTokens(), seg.contextTokens());
    }

    /** L: the carried span of the layout before clamping. */
    public int carriedSpan() {
        return sinkTokens + retrievedSlot + windowTokens;
    }

    /** The largest carried distance kept: {@code max(1, min(L, C - S))}; also the segment's first rotary position. */
    public int maxDistance() {
        return Math.max(1, Math.min(carriedSpan(), context - segmentTokens));
    }

    /** Document position minus rotary position of the segment's tokens: rotary = global - offset. */
    public int offset() {
        return start - maxDistance();
    }

    /**
     * The rotary position of a carried key at document position {@code p < start}, given where the carried context's
     * parts are: window keys from {@code windowStart}, sinks below {@code sinkEnd}, retrieved keys in between.
     */
    public int rotaryOf(int p, int sinkEnd, int windowStart) {
        int d;
        if (p >= windowStart) d = start - p;
        else if (p < sinkEnd) d = carriedSpan() - p;
        else d = carriedSpan() - sinkTokens - Math.floorMod(p, segmentTokens) % Math.max(1, retrievedSlot);
        int dMax = maxDistance();
        return dMax - Math.max(1, Math.min(d, dMax));
    }
}
