package io.ringmem.api;

/**
 * The answer to {@code DELETE /v1/documents/{id}}: the document's stored data is gone (KV blocks and their index,
 * carried states, block summaries, in-flight shards, submitted token ids and per-segment outcomes).
 *
 * @param document the document id
 * @param removed  how many stored entries were removed
 */
public record DocumentDeletion(String document, int removed) {
}
