package io.ringmem.store;

import io.ringmem.RingmemException;
import io.ringmem.kv.KvCodecs;
import io.ringmem.segment.BlockIds;
import io.ringmem.segment.KvBlockStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Segment mode's {@link KvBlockStore} backed by a {@link MemoryStore} (a Hazelcast cluster): one document's blocks
 * under keys (document, segment, layer, block), so a segment's blocks share a partition and a segment's fetch is
 * one batched {@code getAll}. Block summaries stay with the caller's retrieval index; the stored record carries an
 * empty summary. Thread-safe as the underlying store is.
 *
 * <p>{@link #storedBytes()} counts what this adapter wrote (payloads and positions), not the cluster's total.
 */
public final class StoreKvBlockStore implements KvBlockStore {
    private final MemoryStore store;
    private final String documentId;
    private final AtomicLong bytes = new AtomicLong();

    public StoreKvBlockStore(MemoryStore store, String documentId) {
        this.store = store;
        this.documentId = documentId;
    }

    private BlockKey key(int layer, long blockId) {
        return new BlockKey(documentId, BlockIds.segment(blockId), layer, BlockIds.block(blockId));
    }

    @Override
    public void put(int layer, long blockId, int[] positions, byte[] encoded) {
        store.put(key(layer, blockId), new KvBlockRecord(positions.length, positions.clone(), KvCodecs.codecOf(encoded),
                encoded.clone(), new float[0], System.currentTimeMillis()));
        bytes.addAndGet(encoded.length + 4L * positions.length);
    }

    @Override
    public List<StoredKvBlock> getAll(int layer, List<Long> blockIds) {
        List<BlockKey> keys = new ArrayList<>(blockIds.size());
        for (long id : blockIds) keys.add(key(layer, id));
        Map<BlockKey, KvBlockRecord> found = store.getAll(keys);
        List<StoredKvBlock> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            KvBlockRecord r = found.get(keys.get(i));
            if (r == null) {
                throw new RingmemException("KV block " + keys.get(i) + " is missing from the memory store (evicted or expired?)");
            }
            out.add(new StoredKvBlock(blockIds.get(i), r.positions(), r.payload()));
        }
        return out;
    }

    @Override
    public long storedBytes() {
        return bytes.get();
    }
}
