package io.ringmem.segment;

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

    /** Encoded bytes held (payloads and positions). */
    long storedBytes();

    /** One stored block. */
    record StoredKvBlock(long blockId, int[] positions, byte[] encoded) {
    }
}
