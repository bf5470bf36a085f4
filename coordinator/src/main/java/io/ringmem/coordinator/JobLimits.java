package io.ringmem.coordinator;

/**
 * What a coordinator accepts.
 *
 * @param maxDocumentTokens tokens per document at most (413 beyond)
 * @param maxDocuments      documents per job at most (413 beyond)
 * @param maxWorkers        ring size at most
 * @param maxNewTokens      tokens an ask or generate job may produce at most
 */
public record JobLimits(int maxDocumentTokens, int maxDocuments, int maxWorkers, int maxNewTokens) {
    public JobLimits {
        if (maxDocumentTokens < 2 || maxDocuments < 1 || maxWorkers < 1 || maxNewTokens < 1) {
            throw new IllegalArgumentException("limits must be positive (and documents at least 2 tokens)");
        }
    }

    public static JobLimits defaults() {
        return new JobLimits(4_000_000, 1_000, 64, 1_024);
    }
}
