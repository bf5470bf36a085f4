package io.ringmem.store;

/**
 * Cluster-wide figures of one store's map, summed over the members that answered.
 *
 * <p>Not a consistent snapshot: each member reports its own counters at a slightly different moment.
 * {@code evictions} and {@code expirations} count since each member started and are lost with a member.
 * Expired entries are removed lazily (on access, or by a background sweep every few seconds), so
 * {@code expirations} can lag behind the TTL. {@code backupEntries} can lag behind {@code entries} for a few
 * seconds after a member joins or leaves: partitions whose backup replica is still being assigned are
 * copied by Hazelcast's replica sync, not by the write that returned.
 *
 * @param entries      primary (owned) entries
 * @param backupEntries backup copies held
 * @param bytes        heap cost of the owned entries as Hazelcast accounts it (serialized size plus overhead)
 * @param evictions    entries removed by the capacity policy
 * @param expirations  entries removed because their TTL passed
 * @param members      members that reported
 */
public record StoreStats(long entries, long backupEntries, long bytes, long evictions, long expirations,
                         int members) {

    public StoreStats {
        if (entries < 0 || backupEntries < 0 || bytes < 0 || evictions < 0 || expirations < 0 || members < 0) {
            throw new IllegalArgumentException("negative stats value");
        }
    }

    /** Sum of two reports (for aggregating members). */
    public StoreStats plus(StoreStats o) {
        return new StoreStats(entries + o.entries, backupEntries + o.backupEntries, bytes + o.bytes,
                evictions + o.evictions, expirations + o.expirations, members + o.members);
    }

    /** The empty report. */
    public static StoreStats zero() {
        return new StoreStats(0, 0, 0, 0, 0, 0);
    }
}
