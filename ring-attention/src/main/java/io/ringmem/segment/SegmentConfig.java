package io.ringmem.segment;

import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalScoring;

import java.io.Serializable;
import java.util.List;

/**
 * Settings of segment mode, the one definition the CLI ({@code score --mode segments}, {@code analyze}), the REST
 * API, the protocol and the pipeline share. The document is processed in segments of {@code segmentTokens}; each
 * segment attends, besides itself, to a carried context of the first {@code sinkTokens} tokens of the document
 * (attention sinks), the last {@code windowTokens} of the previous segment (both exact), and the
 * {@code retrieveTopK} stored blocks of earlier segments that best match its queries (compressed with
 * {@code codec}, blocks of {@code blockTokens}).
 *
 * <p>Defaults ({@link #builder()}, a field left unset): segment {@value #DEFAULT_SEGMENT_TOKENS} tokens,
 * {@value #DEFAULT_SINK_TOKENS} sinks, window {@code min(}{@value #MAX_DEFAULT_WINDOW}{@code , segmentTokens / 4)},
 * blocks of {@value #DEFAULT_BLOCK_TOKENS}, codec {@value #DEFAULT_CODEC}, top-{@value #DEFAULT_TOP_K} retrieval,
 * residual {@value #DEFAULT_RESIDUAL_TOKENS}, memory tokens on, keep ratio 1, positions {@code auto} (window
 * positions for a document longer than the model's trained context, see {@link Positions}), the model's context,
 * mean-key retrieval scoring with one summary key per block, the flat index.
 * The shorter constructors keep today's {@link Positions#DOCUMENT} policy.
 *
 * <p>Validation messages name the fields as the REST API does (docs/cluster.md).
 *
 * @param residualTokens tokens at the end of each stored block kept at full precision by the int4/int2 codecs
 * @param memoryTokens   use the model's RMT memory tokens when its weights have them (ignored otherwise)
 * @param keepRatio      share of each stored block's tokens kept (token selection by estimated attention mass,
 *                       see {@link TokenScores}); 1 keeps every token
 * @param positions      the positions policy ({@link Positions}): which rotary positions the segment's tokens and the
 *                       carried keys get; {@link Positions#AUTO} (the builder's default) must be resolved for a
 *                       document ({@link #resolvedFor}) before a pipeline runs it
 * @param contextTokens  the model's trained context for the policy, or 0 for the model's own
 *                       ({@code max_position_embeddings} / GGUF {@code context_length}, {@code ModelConfig.maxPositions})
 * @param retrievalScoring how stored blocks are ranked for a query chunk ({@link RetrievalScoring}; default
 *                       {@link RetrievalScoring#MEAN}, today's mean query · mean key)
 * @param retrievalCandidates blocks {@link RetrievalScoring#RESCORE} rescores with their exact keys (per-chunk cap on
 *                       distinct fetched blocks for {@link RetrievalScoring#PER_TOKEN}), or 0 for the default
 *                       ({@link #candidatesFor})
 * @param summaryKeys    representative keys per stored block and KV head in its summary ({@link
 *                       io.ringmem.kv.BlockSummary}; 1, the default, is the block's mean key)
 * @param retrievalIndex how the block summaries are searched ({@link IndexLayout}; default {@link IndexLayout#FLAT})
 * @param indexSegments  with {@link IndexLayout#TWO_LEVEL}: the most earlier segments one ranking reads the block
 *                       summaries of, or 0 (the default) for all, which gives the flat scan's choice exactly
 */
public record SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                            int retrieveTopK, int residualTokens, boolean memoryTokens, double keepRatio,
                            Positions positions, int contextTokens, RetrievalScoring retrievalScoring,
                            int retrievalCandidates, int summaryKeys, IndexLayout retrievalIndex,
                            int indexSegments) implements Serializable {
    public static final int DEFAULT_SEGMENT_TOKENS = 2048;
    public static final int DEFAULT_SINK_TOKENS = 4;
    /** The default window is a quarter segment, at most this many tokens. */
    public static final int MAX_DEFAULT_WINDOW = 512;
    public static final int DEFAULT_BLOCK_TOKENS = 64;
    public static final String DEFAULT_CODEC = "int8";
    public static final int DEFAULT_TOP_K = 4;
    public static final int DEFAULT_RESIDUAL_TOKENS = 0;

    public SegmentConfig {
        if (segmentTokens < 1) throw new IllegalArgumentException("segmentTokens must be >= 1, got " + segmentTokens);
        atLeastZero("sinkTokens", sinkTokens);
        atLeastZero("windowTokens", windowTokens);
        atLeastZero("retrieveTopK", retrieveTopK);
        atLeastZero("residualTokens", residualTokens);
        if (blockTokens < 1) throw new IllegalArgumentException("kvBlockTokens must be >= 1, got " + blockTokens);
        if (!KvCodecs.NAMES.contains(codec)) {
            throw new IllegalArgumentException("unknown kvCodec '" + codec + "': use one of " + String.join(", ", KvCodecs.NAMES));
        }
        if (!(keepRatio > 0 && keepRatio <= 1)) throw new IllegalArgumentException("kvKeepRatio must be in (0, 1], got " + keepRatio);
        if (positions == null) throw new IllegalArgumentException("positions is required: use one of " + Positions.NAMES);
        atLeastZero("contextTokens", contextTokens);
        if (retrievalScoring == null) {
            throw new IllegalArgumentException("retrievalScoring is required: use one of " + RetrievalScoring.NAMES);
        }
        atLeastZero("retrievalCandidates", retrievalCandidates);
        if (summaryKeys < 1 || summaryKeys > blockTokens) {
            throw new IllegalArgumentException("summaryKeys must be in [1, kvBlockTokens=" + blockTokens + "], got " + summaryKeys);
        }
        if (retrievalIndex == null) throw new IllegalArgumentException("retrievalIndex is required: use one of " + IndexLayout.NAMES);
        atLeastZero("indexSegments", indexSegments);
    }

    /** The flat index ({@link IndexLayout#FLAT}). */
    public SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                         int retrieveTopK, int residualTokens, boolean memoryTokens, double keepRatio,
                         Positions positions, int contextTokens, RetrievalScoring retrievalScoring,
                         int retrievalCandidates, int summaryKeys) {
        this(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens,
                keepRatio, positions, contextTokens, retrievalScoring, retrievalCandidates, summaryKeys, IndexLayout.FLAT, 0);
    }

    /** The same settings with another index layout and segment limit (0: every segment, exhaustive). */
    public SegmentConfig withIndex(IndexLayout layout, int segments) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens,
                memoryTokens, keepRatio, positions, contextTokens, retrievalScoring, retrievalCandidates, summaryKeys, layout,
                segments);
    }

    /** Mean-key retrieval ({@link RetrievalScoring#MEAN}). */
    public SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                         int retrieveTopK, int residualTokens, boolean memoryTokens, double keepRatio,
                         Positions positions, int contextTokens) {
        this(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens,
                keepRatio, positions, contextTokens, RetrievalScoring.MEAN, 0, 1);
    }

    /** The same settings with another retrieval scoring, candidate count (0: the default) and summary keys per block. */
    public SegmentConfig withRetrieval(RetrievalScoring scoring, int candidates, int keysPerBlock) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens,
                memoryTokens, keepRatio, positions, contextTokens, scoring, candidates, keysPerBlock, retrievalIndex, indexSegments);
    }

    /**
     * Blocks {@link RetrievalScoring#RESCORE} rescores, or the most distinct blocks a query chunk fetches under
     * {@link RetrievalScoring#PER_TOKEN}: {@link #retrievalCandidates()}, or its default when 0 (RESCORE:
     * {@value RetrievalScoring#DEFAULT_CANDIDATES_PER_BLOCK} × retrieveTopK; PER_TOKEN: retrieveTopK × blockTokens, the
     * chunk's tokens times k, so by default no token loses a block it chose).
     */
    public int candidatesFor() {
        if (retrievalCandidates > 0) return retrievalCandidates;
        return retrievalScoring == RetrievalScoring.PER_TOKEN ? retrieveTopK * blockTokens
                : RetrievalScoring.DEFAULT_CANDIDATES_PER_BLOCK * retrieveTopK;
    }

    /** Today's positions policy ({@link Positions#DOCUMENT}), context from the model. */
    public SegmentConfig(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, String codec,
                         int retrieveTopK, int residualTokens, boolean memoryTokens, double keepRatio) {
        this(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens,
                keepRatio, Positions.DOCUMENT, 0);
    }

    private static void atLeastZero(String name, int value) {
        if (value < 0) throw new IllegalArgumentException(name + " must be >= 0, got " + value);
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

    /** The defaults for segments of {@code segmentTokens}. */
    public static SegmentConfig of(int segmentTokens) {
        return builder().segmentTokens(segmentTokens).build();
    }

    /** The default window for segments of {@code segmentTokens}: {@code min(512, segmentTokens / 4)}. */
    public static int defaultWindow(int segmentTokens) {
        return Math.min(MAX_DEFAULT_WINDOW, segmentTokens / 4);
    }

    /** A builder whose unset (or null) fields take the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public SegmentConfig withCodec(String c) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, c, retrieveTopK,
                residualTokens, memoryTokens, keepRatio, positions, contextTokens, retrievalScoring,
                retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
    }

    public SegmentConfig withRetrieveTopK(int k) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, k, residualTokens, memoryTokens,
                keepRatio, positions, contextTokens, retrievalScoring,
                retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
    }

    public SegmentConfig withCarried(int sinks, int window) {
        return new SegmentConfig(segmentTokens, sinks, window, blockTokens, codec, retrieveTopK, residualTokens, memoryTokens,
                keepRatio, positions, contextTokens, retrievalScoring,
                retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
    }

    public SegmentConfig withMemoryTokens(boolean use) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK, residualTokens, use,
                keepRatio, positions, contextTokens, retrievalScoring,
                retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
    }

    public SegmentConfig withKeepRatio(double r) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK,
                residualTokens, memoryTokens, r, positions, contextTokens, retrievalScoring,
                retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
    }

    /** The same settings under another positions policy and trained context (0: the model's). */
    public SegmentConfig withPositions(Positions p, int context) {
        return new SegmentConfig(segmentTokens, sinkTokens, windowTokens, blockTokens, codec, retrieveTopK,
                residualTokens, memoryTokens, keepRatio, p, context, retrievalScoring,
                retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
    }

    /** The trained context the policy keeps distances inside: {@link #contextTokens()}, or {@code modelContext} when 0. */
    public int contextFor(int modelContext) {
        return contextTokens > 0 ? contextTokens : modelContext;
    }

    /**
     * These settings for one document of {@code documentTokens} tokens on a model trained for {@code modelContext}
     * positions: the context made concrete ({@link #contextFor}) and {@link Positions#AUTO} resolved to
     * {@link Positions#WINDOW} when the document is longer than that context, {@link Positions#DOCUMENT} otherwise
     * (also when the context is unknown, 0). An explicit policy is kept.
     */
    public SegmentConfig resolvedFor(int documentTokens, int modelContext) {
        int context = contextFor(modelContext);
        Positions p = positions;
        if (p == Positions.AUTO) p = context > 0 && documentTokens > context ? Positions.WINDOW : Positions.DOCUMENT;
        return withPositions(p, context);
    }

    /**
     * What a caller should be told about positions when a document of {@code documentTokens} tokens runs under these
     * resolved settings: document positions past the trained context, or segments longer than it (their own
     * distances then leave it under either policy). Empty when the context is unknown (0) or nothing applies.
     */
    public List<String> positionWarnings(int documentTokens) {
        if (contextTokens == 0 || documentTokens <= contextTokens) return List.of();
        int longest = Math.min(documentTokens, segmentTokens);
        if (longest > contextTokens) {
            return List.of("segments of " + longest + " tokens are longer than the model's trained context of " + contextTokens
                    + " tokens: positions inside a segment reach " + (longest - 1) + ", out of distribution; use segments of at most "
                    + contextTokens + " tokens (the context minus the carried sinks, retrieved blocks and window keeps every"
                    + " carried key at its full distance)");
        }
        if (positions == Positions.DOCUMENT) {
            return List.of("document positions: the document's " + documentTokens + " tokens run past the model's trained context of "
                    + contextTokens + " tokens, so later positions are out of distribution (positions window keeps them inside)");
        }
        return List.of();
    }

    /**
     * How many ranks run a segment of {@code tokens} tokens on a ring of {@code ranks}: retrieval is decided per query
     * chunk of {@link #blockTokens()} tokens and a chunk must not be split over ranks, so a segment with fewer chunks
     * than ranks (a document's short last segment) runs on one rank per chunk.
     */
    public int ranksFor(int ranks, int tokens) {
        return Math.max(1, Math.min(ranks, (tokens + blockTokens - 1) / blockTokens));
    }

    /**
     * Collects settings; a null argument leaves the field unset. {@link #build} fills unset fields with the
     * defaults (the window from the segment length) and validates (IllegalArgumentException naming the field).
     */
    public static final class Builder {
        private Integer segmentTokens, sinkTokens, windowTokens, blockTokens, retrieveTopK, residualTokens;
        private String codec;
        private Boolean memoryTokens;
        private Double keepRatio;
        private String positions;
        private Integer contextTokens;
        private String retrievalScoring;
        private Integer retrievalCandidates;
        private Integer summaryKeys;
        private String retrievalIndex;
        private Integer indexSegments;

        private Builder() {
        }

        public Builder segmentTokens(Integer v) {
            segmentTokens = v;
            return this;
        }

        public Builder sinkTokens(Integer v) {
            sinkTokens = v;
            return this;
        }

        public Builder windowTokens(Integer v) {
            windowTokens = v;
            return this;
        }

        public Builder blockTokens(Integer v) {
            blockTokens = v;
            return this;
        }

        /** A codec name as given (case matters: none, int8, int4, int2). */
        public Builder codec(String v) {
            codec = v;
            return this;
        }

        public Builder retrieveTopK(Integer v) {
            retrieveTopK = v;
            return this;
        }

        public Builder residualTokens(Integer v) {
            residualTokens = v;
            return this;
        }

        public Builder memoryTokens(Boolean v) {
            memoryTokens = v;
            return this;
        }

        public Builder keepRatio(Double v) {
            keepRatio = v;
            return this;
        }

        /** A positions policy as spelled on the CLI and in REST: auto (default), window or document. */
        public Builder positions(String v) {
            positions = v;
            return this;
        }

        /** The trained context to keep distances inside (default: the model's). */
        public Builder contextTokens(Integer v) {
            contextTokens = v;
            return this;
        }

        /** A retrieval scoring as spelled on the CLI: mean (default), token, rescore or per-token. */
        public Builder retrievalScoring(String v) {
            retrievalScoring = v;
            return this;
        }

        /** Blocks the rescore scoring rescores (default: 8 × retrieveTopK). */
        public Builder retrievalCandidates(Integer v) {
            retrievalCandidates = v;
            return this;
        }

        /** Representative keys per stored block in its summary (default 1: the mean key). */
        public Builder summaryKeys(Integer v) {
            summaryKeys = v;
            return this;
        }

        /** How block summaries are searched, as spelled on the CLI: flat (default) or two-level. */
        public Builder retrievalIndex(String v) {
            retrievalIndex = v;
            return this;
        }

        /** With two-level: the most segments one ranking reads (default 0: all, exhaustive). */
        public Builder indexSegments(Integer v) {
            indexSegments = v;
            return this;
        }

        public SegmentConfig build() {
            int s = or(segmentTokens, DEFAULT_SEGMENT_TOKENS);
            return new SegmentConfig(s, or(sinkTokens, DEFAULT_SINK_TOKENS), or(windowTokens, defaultWindow(Math.max(0, s))),
                    or(blockTokens, DEFAULT_BLOCK_TOKENS), codec == null ? DEFAULT_CODEC : codec, or(retrieveTopK, DEFAULT_TOP_K),
                    or(residualTokens, DEFAULT_RESIDUAL_TOKENS), memoryTokens == null || memoryTokens,
                    keepRatio == null ? 1.0 : keepRatio, positions == null ? Positions.AUTO : Positions.parse(positions),
                    or(contextTokens, 0), retrievalScoring == null ? RetrievalScoring.MEAN : RetrievalScoring.parse(retrievalScoring),
                    or(retrievalCandidates, 0), or(summaryKeys, 1),
                    retrievalIndex == null ? IndexLayout.FLAT : IndexLayout.parse(retrievalIndex), or(indexSegments, 0));
        }

        private static int or(Integer v, int fallback) {
            return v == null ? fallback : v;
        }
    }
}
