package io.ringmem.store;

import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.KvCodecs;
import io.ringmem.segment.BlockIds;
import io.ringmem.segment.KvBlockStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Segment mode's {@link KvBlockStore} backed by a {@link MemoryStore} (a Hazelcast cluster): one document's blocks
 * under keys (document, segment, layer, block), so a segment's blocks share a partition and a segment's fetch is
 * one batched {@code getAll}. Block summaries stay with the caller's retrieval index; the stored record carries an
 * empty summary. With the two-level index a segment's summaries of one layer are one more record
 * ({@link #SUMMARIES_BLOCK}, past every block number): the block numbers as positions, (kvHeads, headDim) as payload,
 * the representative keys one block after another as summary. Thread-safe as the underlying store is.
 *
 * <p>{@link #storedBytes()} counts what this adapter wrote (payloads and positions), not the cluster's total.
 */
public final class StoreKvBlockStore implements KvBlockStore {
    private final MemoryStore store;
    private final String documentId;
    /** The block number of a segment's summaries record: one past the largest block number ({@link BlockIds}). */
    static final int SUMMARIES_BLOCK = 1 << 24;
    private static final String SUMMARIES_CODEC = "block-summaries";

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
    public void putSummaries(int layer, int segment, List<BlockSummary> summaries) {
        if (summaries.isEmpty()) throw new IllegalArgumentException("no summaries for segment " + segment);
        BlockSummary first = summaries.getFirst();
        int per = first.meanKeys().length, n = summaries.size();
        int[] blocks = new int[n];
        float[] keys = new float[n * per];
        for (int i = 0; i < n; i++) {
            BlockSummary s = summaries.get(i);
            if (s.meanKeys().length != per || BlockIds.segment(s.blockId()) != segment) {
                throw new IllegalArgumentException("summaries of segment " + segment + " differ in shape or segment");
            }
            blocks[i] = BlockIds.block(s.blockId());
            System.arraycopy(s.meanKeys(), 0, keys, i * per, per);
        }
        byte[] shape = ByteBuffer.allocate(8).putInt(first.kvHeads()).putInt(first.headDim()).array();
        store.put(new BlockKey(documentId, segment, layer, SUMMARIES_BLOCK),
                new KvBlockRecord(n, blocks, SUMMARIES_CODEC, shape, keys, System.currentTimeMillis()));
    }

    @Override
    public List<BlockSummary> summaries(int layer, int segment) {
        BlockKey key = new BlockKey(documentId, segment, layer, SUMMARIES_BLOCK);
        KvBlockRecord r = store.getAll(List.of(key)).get(key);
        if (r == null || !SUMMARIES_CODEC.equals(r.codec()) || r.payload().length != 8) {
            throw new RingmemException("block summaries " + key + " are missing from the memory store (evicted or expired?)");
        }
        ByteBuffer shape = ByteBuffer.wrap(r.payload());
        int kvHeads = shape.getInt(), headDim = shape.getInt(), n = r.tokens(), per = n == 0 ? 0 : r.summary().length / n;
        List<BlockSummary> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new BlockSummary(BlockIds.of(segment, r.positions()[i]), kvHeads, headDim,
                    Arrays.copyOfRange(r.summary(), i * per, (i + 1) * per)));
        }
        return out;
    }

    @Override
    public long storedBytes() {
        return bytes.get();
    }
}
