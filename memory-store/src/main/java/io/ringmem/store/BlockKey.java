package io.ringmem.store;

import java.util.Objects;

/**
 * Address of one stored KV block: {@code (documentId, segment, layer, block)}.
 *
 * <p>All blocks of one {@code (documentId, segment)} pair live in the same Hazelcast partition (see
 * {@link HazelcastMemoryStore}), so one segment's blocks for all layers are fetched from one member.
 *
 * @param documentId non-blank document identifier, at most {@value #MAX_DOCUMENT_ID_LENGTH} characters
 * @param segment    segment index within the document, {@code >= 0}
 * @param layer      transformer layer, {@code >= 0}
 * @param block      block index within the (segment, layer), {@code >= 0}
 */
public record BlockKey(String documentId, int segment, int layer, int block) implements Comparable<BlockKey> {

    /** Longest accepted document id. */
    public static final int MAX_DOCUMENT_ID_LENGTH = 512;

    public BlockKey {
        Objects.requireNonNull(documentId, "documentId");
        if (documentId.isBlank()) {
            throw new IllegalArgumentException("documentId must not be blank");
        }
        if (documentId.length() > MAX_DOCUMENT_ID_LENGTH) {
            throw new IllegalArgumentException("documentId longer than " + MAX_DOCUMENT_ID_LENGTH + " characters");
        }
        if (segment < 0 || layer < 0 || block < 0) {
            throw new IllegalArgumentException("segment, layer and block must be >= 0, got "
                    + segment + "/" + layer + "/" + block);
        }
    }

    /** Order: document, segment, layer, block. */
    @Override
    public int compareTo(BlockKey o) {
        int c = documentId.compareTo(o.documentId);
        if (c == 0) c = Integer.compare(segment, o.segment);
        if (c == 0) c = Integer.compare(layer, o.layer);
        if (c == 0) c = Integer.compare(block, o.block);
        return c;
    }
}
