package io.ringmem.coordinator;

import java.util.Locale;

/** What a job computes for its documents. */
public enum Task {
    /** per-token NLL, mean NLL, perplexity, per segment and per document */
    SCORE,
    /** mean-pooled final hidden state per segment and per document (and the scores) */
    EMBED,
    /** answer a question about processed documents from their stored KV */
    ASK,
    /** continue a prompt */
    GENERATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the task runs documents through the ring (and leaves their state in the store). */
    public boolean processesDocuments() {
        return this == SCORE || this == EMBED;
    }
}
