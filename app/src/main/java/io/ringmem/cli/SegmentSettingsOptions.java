package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.api.JobRequest;
import io.ringmem.segment.SegmentConfig;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;

/**
 * Segment-mode settings of {@code score --mode segments} and {@code analyze}. An option left out stays unset, so
 * {@link SegmentConfig}'s defaults apply, the same ones the REST API applies to a request without the field.
 */
final class SegmentSettingsOptions {
    /** REST field names in {@link SegmentConfig}'s messages, as this command's flags. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("segmentTokens", "--segment-tokens"), Map.entry("kvCodec", "--kv-codec"),
            Map.entry("retrieveTopK", "--retrieve-top-k"), Map.entry("sinkTokens", "--sink-tokens"),
            Map.entry("windowTokens", "--window-tokens"), Map.entry("kvBlockTokens", "--kv-block-tokens"),
            Map.entry("kvKeepRatio", "--kv-keep-ratio"), Map.entry("contextTokens", "--context-tokens"),
            Map.entry("positions", "--positions"), Map.entry("retrievalScoring", "--retrieval-scoring"),
            Map.entry("retrievalCandidates", "--retrieval-candidates"), Map.entry("summaryKeys", "--summary-keys"),
            Map.entry("retrievalIndex", "--retrieval-index"), Map.entry("indexSegments", "--index-segments"));

    @Option(names = "--segment-tokens", paramLabel = "S",
            description = "tokens per segment; a document of at most S tokens is exact (default: "
                    + SegmentConfig.DEFAULT_SEGMENT_TOKENS + ")")
    Integer segmentTokens;

    @Option(names = "--kv-codec", paramLabel = "int8|int4|int2|none",
            description = "compression of stored KV blocks (default: " + SegmentConfig.DEFAULT_CODEC + ")")
    String codec;

    @Option(names = "--retrieve-top-k", paramLabel = "K",
            description = "stored blocks each rank retrieves per layer and segment (default: " + SegmentConfig.DEFAULT_TOP_K + ")")
    Integer topK;

    @Option(names = "--sink-tokens", paramLabel = "N",
            description = "first tokens always carried exactly (default: " + SegmentConfig.DEFAULT_SINK_TOKENS + ")")
    Integer sinks;

    @Option(names = "--window-tokens", paramLabel = "N",
            description = "last tokens of the previous segment carried exactly (default: min("
                    + SegmentConfig.MAX_DEFAULT_WINDOW + ", segment-tokens / 4))")
    Integer window;

    @Option(names = "--kv-block-tokens", paramLabel = "N",
            description = "tokens per stored KV block (default: " + SegmentConfig.DEFAULT_BLOCK_TOKENS + ")")
    Integer blockTokens;

    @Option(names = "--kv-keep-ratio", paramLabel = "R",
            description = "token selection: share of each stored block's tokens kept, by estimated attention mass, in (0, 1] "
                    + "(default: 1)")
    Double keepRatio;

    @Option(names = "--positions", paramLabel = "auto|window|document",
            description = "rotary positions in segment mode: window keeps every query-key distance inside the model's trained"
                    + " context (carried keys re-rotated to positions just before the segment); document keeps document positions;"
                    + " auto (default) is window for a document longer than the trained context, else document")
    String positions;

    @Option(names = "--context-tokens", paramLabel = "C",
            description = "the trained context the window positions keep distances inside (default: the model's"
                    + " max_position_embeddings / context_length)")
    Integer contextTokens;

    @Option(names = "--retrieval-scoring", paramLabel = "mean|token|rescore|per-token|last-exact",
            description = "how stored blocks are ranked per 64-token query chunk: mean (default) = the chunk's mean query against"
                    + " each block's summary keys; token = every query token against them, the best token counts; rescore = token"
                    + " picks --retrieval-candidates blocks, their exact keys (from the store) pick the top-k by largest logit;"
                    + " per-token = each query token keeps its own top-k and attends only to those (the chunk fetches the union,"
                    + " at most --retrieval-candidates blocks, default top-k x 64); last-exact = mean in every layer but the last,"
                    + " there each scored query token ranks every stored block by its exact keys and keeps its own top-k (the last"
                    + " layer's carried context is then computed only for the scored positions)")
    String retrievalScoring;

    @Option(names = "--retrieval-candidates", paramLabel = "C",
            description = "blocks the rescore scoring rescores with exact keys (default: 8 x --retrieve-top-k); per-token: the most"
                    + " distinct blocks one query chunk fetches (default: --retrieve-top-k x --kv-block-tokens)")
    Integer retrievalCandidates;

    @Option(names = "--summary-keys", paramLabel = "R",
            description = "representative keys per stored block in its retrieval summary: means of R contiguous runs of its tokens"
                    + " (default: 1, the block's mean key; R times the summary memory)")
    Integer summaryKeys;

    @Option(names = "--retrieval-index", paramLabel = "flat|two-level",
            description = "how block summaries are searched: flat (default) scans every stored block's summary; two-level keeps one"
                    + " box per stored segment and reads a segment's block summaries only when a best-first search visits it"
                    + " (with --index-segments 0 the same blocks as flat)")
    String retrievalIndex;

    @Option(names = "--index-segments", paramLabel = "N",
            description = "two-level index: the most segments one ranking reads the block summaries of (default: 0 = all,"
                    + " exhaustive; N > 0 is an approximation, see docs/quality.md)")
    Integer indexSegments;

    @Option(names = "--no-memory-tokens",
            description = "ignore the checkpoint's RMT memory tokens (ringmem.memory_tokens); by default segment mode uses them "
                    + "when present")
    boolean noMemoryTokens;

    private String codecName() {
        return codec == null ? null : codec.toLowerCase(Locale.ROOT);
    }

    /** The settings; a bad value is a one-line {@link RingmemException} naming the flag. */
    SegmentConfig config() {
        try {
            return SegmentConfig.builder().segmentTokens(segmentTokens).codec(codecName()).retrieveTopK(topK).sinkTokens(sinks)
                    .windowTokens(window).blockTokens(blockTokens).keepRatio(keepRatio).memoryTokens(!noMemoryTokens)
                    .positions(positions).contextTokens(contextTokens).retrievalScoring(retrievalScoring)
                    .retrievalCandidates(retrievalCandidates).summaryKeys(summaryKeys)
                    .retrievalIndex(retrievalIndex).indexSegments(indexSegments).build();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            for (Map.Entry<String, String> f : FLAGS.entrySet()) message = message.replace(f.getKey(), f.getValue());
            throw new RingmemException(message);
        }
    }

    /** Sets these settings on a job request (unset options stay unset: the coordinator applies the same defaults). */
    JobRequest.Builder applyTo(JobRequest.Builder b) {
        return b.segmentTokens(segmentTokens).kvCodec(codecName()).retrieveTopK(topK).sinkTokens(sinks).windowTokens(window)
                .kvBlockTokens(blockTokens).kvKeepRatio(keepRatio).memoryTokens(noMemoryTokens ? false : null)
                .positions(positions == null ? null : positions.toLowerCase(Locale.ROOT)).contextTokens(contextTokens)
                .retrievalScoring(retrievalScoring == null ? null : retrievalScoring.toLowerCase(Locale.ROOT))
                .retrievalCandidates(retrievalCandidates).summaryKeys(summaryKeys)
                .retrievalIndex(retrievalIndex == null ? null : retrievalIndex.toLowerCase(Locale.ROOT)).indexSegments(indexSegments);
    }
}
