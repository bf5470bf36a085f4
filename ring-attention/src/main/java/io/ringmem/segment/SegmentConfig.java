package io.ringmem.segment;

import io.ringmem.kv.KvCodecs;

/**
 * Settings of segment mode: the document is processed in segments of {@code segmentTokens}; each segment attends,
 * besides itself, to a carried context of the first {@code sinkTokens} tokens of the document (attention sinks),
 * the last {@code windowTokens} of the previous segment (both exact), and the {@code retrieveTopK} stored blocks of
 * earlier segments that best match its queries (compressed with {@code codec}, blocks of {@code blockTokens}).
 *
 * @param residualTokens tokens at the end of each stored block kept at full precision by the int4/int2 codecs
 * @param memoryTokens   use the model's RMT memory tokens when its weights have them (ignored otherwise)
 * @param keepRatio      share of each stored block's tokens kept (token selection by estimated attention mass,
 *                       see {@link TokenScores}); 1 keeps every token
 */
public record SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                            int retrieveTopK, int residualTokens, boolean memoryTokens, double keepRatio) {
    public SegmentConfig {
        if (!(keepRatio > 0 && keepRatio <= 1)) throw new IllegalArgumentException("keep ratio must be in (0, 1], got " + keepRatio);
        if (segmentTokens < 1) throw new IllegalArgumentException("segment tokens must be >= 1, got " + segmentTokens);
        if (sinkTokens < 0 || windowTokens < 0 || retrieveTopK < 0 || residualTokens < 0) {
            throw new IllegalArgumentException("sink, window, top-k and residual counts must be >= 0");
        }
        if (blockTokens < 1) throw new IllegalArgumentException("block tokens must be >= 1, got " + blockTokens);
        if (!KvCodecs.NAMES.contains(codec)) {
            throw new IllegalArgumentException("unknown KV codec '" + codec + "': use one of " + String.join(", ", KvCodecs.NAMES));
        }
    }

    /** Every token of a stored block kept. */
    public SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                         int retrieveTopK, int residualTokens, boolean memoryTokens) {
        this(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens, 1.0);
    }

    /** Memory tokens on (when the model has them). */
    public SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                         int retrieveTopK, int residualTokens) {
        this(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, true);
    }

    /** Defaults: 4 sinks, a window of a quarter segment, blocks of 64 tokens, int8, top-4 retrieval. */
    public static SegmentConfig of(int segmentTokens) {
        return new SegmentConfig(segmentTokens, 4, segmentTokens / 4, 64, "int8", 4, 0);
    }

    public SegmentConfig withCodec(String c) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, c, retrieveTopK, residualTokens, memoryTokens, keepRatio);
    }

    public SegmentConfig withRetrieveTopK(int k) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, k, residualTokens, memoryTokens, keepRatio);
    }

    public SegmentConfig withCarried(int sinks, int window) {
        return new SegmentConfig(segmentTokens, sinks, window, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens, keepRatio);
    }

    public SegmentConfig withMemoryTokens(boolean use) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, use, keepRatio);
    }

    public SegmentConfig withKeepRatio(double r) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens, r);
    }
}
