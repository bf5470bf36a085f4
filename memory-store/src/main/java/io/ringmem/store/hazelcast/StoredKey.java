package io.ringmem.store.hazelcast;

import com.hazelcast.partition.PartitionAware;
import io.ringmem.store.BlockKey;

import java.util.Objects;

/**
 * The IMap key: a {@link BlockKey} routed by {@code (documentId, segment)}.
 *
 * <p>Partition key = {@code documentId + "#" + segment}: all layers and blocks of one document segment (one
 * ring position's output) share a partition, so a segment is fetched from one owner and listed with a
 * single-partition query. A document's segments spread over the cluster. Public for the Kryo serializers; Hazelcast types stay
 * out of the {@link MemoryStore} API.
 */
public record StoredKey(BlockKey key) implements PartitionAware<String> {

    public StoredKey {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String getPartitionKey() {
        return partitionKey(key.documentId(), key.segment());
    }

    /** The routing string of {@code (documentId, segment)}; unique because the segment suffix has no '#'. */
    public static String partitionKey(String documentId, int segment) {
        return documentId + "#" + segment;
    }
}
