package io.ringmem.store;

/**
 * Capacity limit of the store's map, enforced by Hazelcast's eviction with the LRU policy.
 *
 * <p>What is NOT guaranteed: the limit is approximate. Hazelcast checks it per partition, on writes, against
 * an estimate ({@code PER_NODE}: {@code limit × members ÷ partitions} entries per partition; {@code
 * USED_HEAP_SIZE}: the map's heap cost on the member), and evicts a sample-based approximation of LRU. A
 * member can briefly hold more than the limit, and with few entries per partition eviction starts earlier
 * than the nominal limit.
 *
 * @param kind  what is limited
 * @param limit entries per member ({@link Kind#ENTRIES_PER_MEMBER}) or MiB of heap per member
 *              ({@link Kind#HEAP_MB_PER_MEMBER}); ignored for {@link Kind#UNBOUNDED}
 */
public record StoreCapacity(Kind kind, int limit) {

    /** The limited quantity. */
    public enum Kind {
        /** No eviction. */
        UNBOUNDED,
        /** Hazelcast {@code MaxSizePolicy.PER_NODE}: entries per member. */
        ENTRIES_PER_MEMBER,
        /** Hazelcast {@code MaxSizePolicy.USED_HEAP_SIZE}: MiB of heap used by the map per member. */
        HEAP_MB_PER_MEMBER
    }

    public StoreCapacity {
        if (kind == null) {
            throw new IllegalArgumentException("capacity kind must not be null");
        }
        if (kind != Kind.UNBOUNDED && limit <= 0) {
            throw new IllegalArgumentException("capacity limit must be > 0 for " + kind + ", got " + limit);
        }
        if (kind == Kind.UNBOUNDED) {
            limit = 0;
        }
    }

    public static StoreCapacity unbounded() {
        return new StoreCapacity(Kind.UNBOUNDED, 0);
    }

    public static StoreCapacity entriesPerMember(int entries) {
        return new StoreCapacity(Kind.ENTRIES_PER_MEMBER, entries);
    }

    public static StoreCapacity heapMegabytesPerMember(int megabytes) {
        return new StoreCapacity(Kind.HEAP_MB_PER_MEMBER, megabytes);
    }
}
