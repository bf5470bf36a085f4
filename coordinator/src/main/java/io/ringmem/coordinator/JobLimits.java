package io.ringmem.coordinator;

/**
 * What a coordinator accepts. Every size a request can set is bounded here, so a job the validator accepts
 * (202) can run on the workers.
 *
 * @param maxDocumentTokens tokens per document at most (413 beyond; {@code --max-document-tokens})
 * @param maxDocuments      documents per job at most (413 beyond; {@code --max-documents})
 * @param maxWorkers        ring size at most
 * @param maxNewTokens      tokens an ask or generate job may produce at most ({@code maxTokens})
 * @param maxJobTokens      tokens of a job's documents together (and a generate job's prompt) at most (413 beyond;
 *                          {@code --max-job-tokens})
 * @param maxSegmentTokens  {@code segmentTokens} at most; also bounds what one worker runs alone: an ask question or
 *                          a generate prompt plus {@code maxTokens}, and the retrieved context
 *                          ({@code retrieveTopK * kvBlockTokens})
 * @param maxRetrieveTopK   {@code retrieveTopK} at most
 */
public record JobLimits(int maxDocumentTokens, int maxDocuments, int maxWorkers, int maxNewTokens, long maxJobTokens,
                        int maxSegmentTokens, int maxRetrieveTopK) {
    public static final int DEFAULT_MAX_DOCUMENT_TOKENS = 4_000_000;
    public static final int DEFAULT_MAX_DOCUMENTS = 1_000;
    public static final int DEFAULT_MAX_WORKERS = 64;
    public static final int DEFAULT_MAX_NEW_TOKENS = 1_024;
    public static final long DEFAULT_MAX_JOB_TOKENS = 8_000_000;
    public static final int DEFAULT_MAX_SEGMENT_TOKENS = 131_072;
    public static final int DEFAULT_MAX_RETRIEVE_TOP_K = 1_024;

    public JobLimits {
        if (maxDocumentTokens < 2 || maxDocuments < 1 || maxWorkers < 1 || maxNewTokens < 1 || maxJobTokens < 2
                || maxSegmentTokens < 1 || maxRetrieveTopK < 0) {
            throw new IllegalArgumentException("limits must be positive (and documents and jobs at least 2 tokens)");
        }
    }

    /** The given limits, the others at their defaults (a job's tokens at least one full document). */
    public JobLimits(int maxDocumentTokens, int maxDocuments, int maxWorkers, int maxNewTokens) {
        this(maxDocumentTokens, maxDocuments, maxWorkers, maxNewTokens, Math.max(DEFAULT_MAX_JOB_TOKENS, maxDocumentTokens),
                DEFAULT_MAX_SEGMENT_TOKENS, DEFAULT_MAX_RETRIEVE_TOP_K);
    }

    public static JobLimits defaults() {
        return new JobLimits(DEFAULT_MAX_DOCUMENT_TOKENS, DEFAULT_MAX_DOCUMENTS, DEFAULT_MAX_WORKERS, DEFAULT_MAX_NEW_TOKENS,
                DEFAULT_MAX_JOB_TOKENS, DEFAULT_MAX_SEGMENT_TOKENS, DEFAULT_MAX_RETRIEVE_TOP_K);
    }

    public JobLimits withMaxJobTokens(long tokens) {
        return new JobLimits(maxDocumentTokens, maxDocuments, maxWorkers, maxNewTokens, tokens, maxSegmentTokens, maxRetrieveTopK);
    }
}
