package io.ringmem.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Distributed store of KV blocks keyed by {@link BlockKey}.
 *
 * <p>Contract:
 * <ul>
 *   <li>Writes are last-writer-wins per key; there are no transactions across keys. {@link #putAll} is not
 *       atomic: on failure some entries may be stored.</li>
 *   <li>A value read back equals (by content) the value written, unless it was overwritten, deleted,
 *       expired (TTL) or evicted (capacity). Expiry and eviction are not failures: {@link #get} then
 *       returns empty.</li>
 *   <li>Listings reflect the store at some moment during the call; concurrent writes may or may not appear.
 *       Results are sorted by {@link BlockKey#compareTo}.</li>
 *   <li>Durability is in memory only: with {@code backupCount = b}, data survives the abrupt loss of up to
 *       {@code b} members at a time (once backups have been re-created), never a full cluster restart.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface MemoryStore extends AutoCloseable {

    /** Stores or replaces one block. */
    void put(BlockKey key, KvBlockRecord value);

    /** Stores or replaces many blocks, batched per partition owner. Not atomic. */
    void putAll(Map<BlockKey, KvBlockRecord> entries);

    /** The block, or empty when absent (never written, deleted, expired or evicted). */
    Optional<KvBlockRecord> get(BlockKey key);

    /**
     * The present blocks among {@code keys}, fetched in one batch per partition owner (not one call per
     * key). Absent keys are missing from the result; duplicates are collapsed.
     */
    Map<BlockKey, KvBlockRecord> getAll(Collection<BlockKey> keys);

    /** Removes one block; true if it was present. */
    boolean delete(BlockKey key);

    /** Removes every block of a document; returns how many were removed. */
    int deleteDocument(String documentId);

    /** Keys of one document, all segments. */
    List<BlockKey> keys(String documentId);

    /** Keys of one (document, segment). */
    List<BlockKey> keys(String documentId, int segment);

    /** Keys of one (document, segment, layer). */
    List<BlockKey> keys(String documentId, int segment, int layer);

    /** Cluster-wide counters; see {@link StoreStats} for what they do not promise. */
    StoreStats stats();

    /** Releases this store's resources (an embedded member leaves the cluster). Idempotent. */
    @Override
    void close();
}
