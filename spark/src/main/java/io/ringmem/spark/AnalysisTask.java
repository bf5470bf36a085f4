package io.ringmem.spark;

/** What an analysis computes per document: {@code score} (NLL) or {@code embed} (NLL and a mean-pooled embedding). */
public enum AnalysisTask {
    SCORE, EMBED;

    /** The REST API's task name. */
    String apiName() {
        return this == SCORE ? "score" : "embed";
    }
}
