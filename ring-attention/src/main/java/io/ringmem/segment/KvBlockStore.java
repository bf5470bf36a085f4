package io.ringmem.segment;

import io.ringmem.kv.BlockSummary;

import java.util.List;

/**
 * Where segment mode keeps the compressed KV blocks of earlier segments. The in-memory implementation serves a
 * single process; the memory-store module backs it with a Hazelcast cluster.
 *
 * <p>A block is addressed by (layer, blockId); {@link BlockIds} packs (segment, block) into the id. Payloads are
 * codec bytes ({@link io.ringmem.kv.KvCodec}); positions travel beside them. Implementations are thread-safe.
 */
public interface KvBlockStore {

    void put(int layer, long blockId, int[] positions, byte[] encoded);

    /** The blocks asked for, in the order asked; fetched in one batch where the store allows. Missing ids fail. */
    List<StoredKvBlock> getAll(int layer, List<Long> blockIds);

    /**
     * Keeps the block summaries one segment stored in one layer, for the two-level index
     * ({@link io.ringmem.kv.IndexLayout#TWO_LEVEL}), whose state holds only a box per segment ({@link SegmentEntry}).
     * Written once per (layer, segment). Stores that cannot keep them refuse the two-level index.
     */
    default void putSummaries(int layer, int segment, List<BlockSummary> summaries) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no block summaries: use retrievalIndex flat");
    }

    /** The summaries {@link #putSummaries} kept for (layer, segment), in storage order; missing ones fail. */
    default List<BlockSummary> summaries(int layer, int segment) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no block summaries: use retrievalIndex flat");
    }

    /** Encoded bytes held (payloads and positions). */
    long storedBytes();

    /** One stored block. */
    record StoredKvBlock(long blockId, int[] positions, byte[] encoded) {
    }
}
