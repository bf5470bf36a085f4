package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A job as submitted with {@code POST /v1/jobs} (docs/cluster.md). Every field but {@code task} and
 * {@code documents} is optional (null: the server's default); the coordinator validates it. Unknown fields are
 * rejected by the server. Build one with {@link #builder}.
 *
 * @param workers       ring size P (default: every ready worker when the job starts)
 * @param segmentTokens segment length S (default 2048); a document of at most S tokens is exact
 * @param windowTokens  tail of the previous segment attended to exactly (default min(512, S / 4))
 * @param kvKeepRatio   token selection: share of each stored block's tokens kept, in (0, 1] (default 1)
 * @param memoryTokens  use the checkpoint's RMT memory tokens when it has them (default true)
 * @param tokenNll      include per-token NLL ("nll") in the result
 * @param positions     positions policy of segment mode: auto (default: window when the document is longer than the
 *                      model's trained context, else document), window or document
 * @param contextTokens the trained context the window policy keeps distances inside (default: the model's)
 * @param retrievalScoring how stored blocks are ranked per query chunk: mean (default), token, rescore or per-token
 * @param retrievalCandidates blocks the rescore scoring rescores with exact keys (default 8 × retrieveTopK); per-token:
 *                         the most distinct blocks a query chunk fetches (default retrieveTopK × kvBlockTokens)
 * @param summaryKeys   representative keys per stored block in its retrieval summary (default 1: the mean key)
 * @param retrievalIndex how block summaries are searched: flat (default) or two-level
 * @param indexSegments the most segments one two-level ranking reads (default 0: all, the flat scan's choice)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(String task, String model, List<DocumentInput> documents, Integer workers,
                         Integer segmentTokens, String kvCodec, Integer retrieveTopK, Integer sinkTokens,
                         Integer windowTokens, Integer kvBlockTokens, Double kvKeepRatio, Boolean memoryTokens,
                         String question, String prompt, Integer maxTokens, Double temperature, Double topP, Long seed,
                         Boolean tokenNll, String positions, Integer contextTokens, String retrievalScoring,
                         Integer retrievalCandidates, Integer summaryKeys, String retrievalIndex, Integer indexSegments) {

    /** One document: {@code text} (tokenized by the coordinator, BOS added) or {@code tokens} (used as given). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DocumentInput(String id, String text, int[] tokens) {
        /** A text document. */
        public static DocumentInput text(String id, String text) {
            return new DocumentInput(id, text, null);
        }

        /** A document of token ids, used as given (no BOS added). */
        public static DocumentInput tokens(String id, int... tokens) {
            return new DocumentInput(id, null, tokens);
        }

        /** A processed document named by id only (for {@code ask}). */
        public static DocumentInput ref(String id) {
            return new DocumentInput(id, null, null);
        }
    }

    /** A builder of a {@code task} job (score, embed, ask or generate); unset fields stay null. */
    public static Builder builder(String task) {
        return new Builder(task);
    }

    /** Collects a request's fields; {@link #build} makes the record (no validation: the server validates, null documents included). */
    public static final class Builder {
        private final String task;
        private String model, kvCodec, question, prompt;
        private List<DocumentInput> documents;
        private Integer workers, segmentTokens, retrieveTopK, sinkTokens, windowTokens, kvBlockTokens, maxTokens;
        private Double kvKeepRatio, temperature, topP;
        private Boolean memoryTokens, tokenNll;
        private String positions;
        private Integer contextTokens;
        private String retrievalScoring;
        private Integer retrievalCandidates;
        private Integer summaryKeys;
        private String retrievalIndex;
        private Integer indexSegments;
        private Long seed;

        private Builder(String task) {
            this.task = task;
        }

        /** Replaces the documents (null leaves the field out). */
        public Builder documents(List<DocumentInput> docs) {
            documents = docs == null ? null : new ArrayList<>(docs);
            return this;
        }

        public Builder documents(DocumentInput... docs) {
            return documents(docs == null ? null : Arrays.asList(docs));
        }

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder workers(Integer v) {
            workers = v;
            return this;
        }

        public Builder segmentTokens(Integer v) {
            segmentTokens = v;
            return this;
        }

        public Builder kvCodec(String v) {
            kvCodec = v;
            return this;
        }

        public Builder retrieveTopK(Integer v) {
            retrieveTopK = v;
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

        public Builder kvBlockTokens(Integer v) {
            kvBlockTokens = v;
            return this;
        }

        public Builder kvKeepRatio(Double v) {
            kvKeepRatio = v;
            return this;
        }

        public Builder memoryTokens(Boolean v) {
            memoryTokens = v;
            return this;
        }

        public Builder question(String v) {
            question = v;
            return this;
        }

        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        public Builder maxTokens(Integer v) {
            maxTokens = v;
            return this;
        }

        public Builder temperature(Double v) {
            temperature = v;
            return this;
        }

        public Builder topP(Double v) {
            topP = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder tokenNll(Boolean v) {
            tokenNll = v;
            return this;
        }

        /** Positions policy of segment mode: auto, window or document. */
        public Builder positions(String v) {
            positions = v;
            return this;
        }

        public Builder contextTokens(Integer v) {
            contextTokens = v;
            return this;
        }

        /** Retrieval scoring of segment mode: mean, token, rescore or per-token. */
        public Builder retrievalScoring(String v) {
            retrievalScoring = v;
            return this;
        }

        public Builder retrievalCandidates(Integer v) {
            retrievalCandidates = v;
            return this;
        }

        public Builder summaryKeys(Integer v) {
            summaryKeys = v;
            return this;
        }

        /** Index layout of segment mode's retrieval: flat or two-level. */
        public Builder retrievalIndex(String v) {
            retrievalIndex = v;
            return this;
        }

        public Builder indexSegments(Integer v) {
            indexSegments = v;
            return this;
        }

        public JobRequest build() {
            List<DocumentInput> docs = documents == null ? null : Collections.unmodifiableList(new ArrayList<>(documents));
            return new JobRequest(task, model, docs, workers, segmentTokens, kvCodec, retrieveTopK, sinkTokens, windowTokens,
                    kvBlockTokens, kvKeepRatio, memoryTokens, question, prompt, maxTokens, temperature, topP, seed, tokenNll,
                    positions, contextTokens, retrievalScoring, retrievalCandidates, summaryKeys, retrievalIndex, indexSegments);
        }
    }
}
