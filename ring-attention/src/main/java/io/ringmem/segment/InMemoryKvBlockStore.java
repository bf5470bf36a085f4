package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link KvBlockStore} in this JVM's heap; for single-process runs and tests. */
public final class InMemoryKvBlockStore implements KvBlockStore {
    private final Map<Long, StoredKvBlock>[] layers;
    private final AtomicLong bytes = new AtomicLong();
    private final Map<Long, List<BlockSummary>> summaries = new ConcurrentHashMap<>(); // layer << 32 | segment

    @SuppressWarnings("unchecked")
    public InMemoryKvBlockStore(int layerCount) {
        layers = new Map[layerCount];
        for (int l = 0; l < layerCount; l++) layers[l] = new ConcurrentHashMap<>();
    }

    @Override
    public void put(int layer, long blockId, int[] positions, byte[] encoded) {
        StoredKvBlock old = layers[layer].put(blockId, new StoredKvBlock(blockId, positions.clone(), encoded.clone()));
        bytes.addAndGet(size(positions, encoded) - (old == null ? 0 : size(old.positions(), old.encoded())));
    }

    @Override
    public List<StoredKvBlock> getAll(int layer, List<Long> blockIds) {
        List<StoredKvBlock> out = new ArrayList<>(blockIds.size());
        for (long id : blockIds) {
            StoredKvBlock b = layers[layer].get(id);
            if (b == null) throw new RingmemException("KV block " + id + " of layer " + layer + " is missing from the store");
            out.add(b);
        }
        return out;
    }

    @Override
    public void putSummaries(int layer, int segment, List<BlockSummary> s) {
        summaries.put(((long) layer << 32) | segment, List.copyOf(s));
    }

    @Override
    public List<BlockSummary> summaries(int layer, int segment) {
        List<BlockSummary> s = summaries.get(((long) layer << 32) | segment);
        if (s == null) {
            throw new RingmemException("block summaries of segment " + segment + " layer " + layer + " are missing from the store");
        }
        return s;
    }

    @Override
    public long storedBytes() {
        return bytes.get();
    }

    private static long size(int[] positions, byte[] encoded) {
        return encoded.length + 4L * positions.length;
    }
}
