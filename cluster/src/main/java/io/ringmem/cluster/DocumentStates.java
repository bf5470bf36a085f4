package io.ringmem.cluster;

import io.ringmem.segment.SegmentState;

import java.util.Optional;

/**
 * Where documents' carried states and in-flight KV shards live between tasks (a Hazelcast map in a cluster).
 * States are addressed by the number of segments they fold in; {@link #latest} is the newest one written.
 * Implementations are thread-safe.
 */
public interface DocumentStates {
    /** The state after {@code segmentsDone} segments of the document, if stored. */
    Optional<SegmentState> state(String documentId, int segmentsDone);

    /** The newest stored state of the document. */
    Optional<SegmentState> latest(String documentId);

    /** Whether the document has a stored state (it was processed). */
    default boolean hasState(String documentId) {
        return latest(documentId).isPresent();
    }

    /** Stores {@code state} under its segment count and as the latest; drops states older than the previous one. */
    long putState(String documentId, SegmentState state);

    void putShard(String sessionId, int rank, byte[] kv);

    /** One rank's shard of a session; empty when it is not (or no longer) stored. */
    Optional<byte[]> shard(String sessionId, int rank);

    void deleteShards(String sessionId, int ranks);

    /** Removes every state, summary and in-flight shard of the document; returns how many entries were removed. */
    int deleteDocument(String documentId);
}
