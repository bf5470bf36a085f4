package io.ringmem.protocol;

import io.ringmem.segment.SegmentConfig;

/**
 * Answer a question about a processed document from its stored state: the question's tokens follow the document
 * (positions continue after it), attend to its sinks, last window, memory and retrieved blocks, and the answer is
 * generated greedily.
 *
 * @param questionIds the question's token ids (no BOS)
 * @param stopIds     ids that end the answer (EOS)
 */
public record AskTask(String documentId, int[] questionIds, int maxTokens, int[] stopIds, SegmentConfig settings)
        implements WorkerRequest<TokensResult> {
    public AskTask {
        if (questionIds.length == 0) throw new IllegalArgumentException("empty question");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
}
