package io.ringmem.protocol;

import java.io.Serializable;

/**
 * Segment-mode settings of a job, as workers receive them (mirrors the compute core's {@code SegmentConfig}; the
 * worker validates them again when it builds one).
 *
 * @param segmentTokens  tokens per segment (a document of at most this many tokens runs as one exact segment)
 * @param sinkTokens     the document's first tokens every later segment attends to exactly
 * @param windowTokens   tail of the previous segment attended to exactly
 * @param blockTokens    tokens per stored KV block
 * @param codec          KV codec of stored blocks: none, int8, int4, int2
 * @param retrieveTopK   stored blocks each rank retrieves per layer
 * @param residualTokens full-precision tail of int4/int2 blocks
 * @param memoryTokens   use the checkpoint's RMT memory tokens when it has them
 */
public record SegmentSettings(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                              int retrieveTopK, int residualTokens, boolean memoryTokens) implements Serializable {
    public SegmentSettings {
        if (segmentTokens < 1) throw new IllegalArgumentException("segmentTokens must be >= 1, got " + segmentTokens);
        if (sinkTokens < 0 || windowTokens < 0 || retrieveTopK < 0 || residualTokens < 0) {
            throw new IllegalArgumentException("sinkTokens, windowTokens, retrieveTopK and residualTokens must be >= 0");
        }
        if (blockTokens < 1) throw new IllegalArgumentException("kvBlockTokens must be >= 1, got " + blockTokens);
        if (codec == null || codec.isBlank()) throw new IllegalArgumentException("kvCodec must be set");
    }
}
