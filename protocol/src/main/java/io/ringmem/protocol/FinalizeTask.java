package io.ringmem.protocol;

/**
 * After every rank of a segment succeeded: gather their KV shards from the store, write the segment's compressed
 * blocks, fold the segment into the document's carried state and store that state as the state after
 * {@code segment}. Idempotent: running it again for the same attempt writes the same blocks and state.
 *
 * @param end global position one past the segment's last token
 */
public record FinalizeTask(String jobId, String documentId, int segment, int attempt, int ranks, int end,
                           SegmentSettings settings) implements WorkerRequest<FinalizeResult> {
}
