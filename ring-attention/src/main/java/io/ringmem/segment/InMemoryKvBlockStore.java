package io.ringmem.segment;

import io.ringmem.RingmemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link KvBlockStore} in this JVM's heap; for single-process runs and tests. */
public final class InMemoryKvBlockStore implements KvBlockStore {
    private final Map<Long, StoredKvBlock>[] layers;
    private final AtomicLong bytes = new AtomicLong();

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
    public long storedBytes() {
        return bytes.get();
    }

    private static long size(int[] positions, byte[] encoded) {
        return encoded.length + 4L * positions.length;
    }
}
