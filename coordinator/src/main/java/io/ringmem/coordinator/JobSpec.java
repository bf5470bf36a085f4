package io.ringmem.coordinator;

import io.ringmem.segment.SegmentConfig;

import java.io.Serializable;
import java.util.List;

/**
 * A validated job: what the runner executes. Documents' token ids are stored apart from the job record.
 *
 * @param workers   requested ring size P, or 0 for "every ready worker (at most the limit)"
 * @param question  ask: the question's ids; generate: the prompt's ids; else empty
 * @param tokenNll  include per-token NLL in the result
 */
public record JobSpec(Task task, List<DocumentSpec> documents, int workers, SegmentConfig settings, int[] question,
                      int maxTokens, double temperature, double topP, long seed, boolean tokenNll) implements Serializable {
    public JobSpec {
        documents = List.copyOf(documents);
    }

    /** A document of a job: its id (the store key of its state) and its tokens (empty for ask). */
    public record DocumentSpec(String id, int[] ids) implements Serializable {
    }
}
