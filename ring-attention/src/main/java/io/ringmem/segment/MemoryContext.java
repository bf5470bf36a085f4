package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.MemoryPass;
import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * The extra context of a segment with memory tokens: the read memory's K/V of the layer (keys unrotated, at mask
 * position {@link MemoryPass#READ_MASK_POSITION}, so every segment query sees all of it) followed by the carried
 * context's blocks. Thread-safe as long as {@code carried} is (both are read-only while the segment runs).
 */
final class MemoryContext implements ExtraContext {
    private final MemoryPass.MemoryKv read;
    private final ExtraContext carried;

    MemoryContext(MemoryPass.MemoryKv read, ExtraContext carried) {
        this.read = read;
        this.carried = carried;
    }

    @Override
    public int rotaryOffset() {
        return carried.rotaryOffset();
    }

    @Override
    public List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        List<KvBlock> rest = carried.blocksFor(rank, layer, q, qPos, nq);
        List<KvBlock> out = new ArrayList<>(1 + rest.size());
        out.add(read.block(layer));
        out.addAll(rest);
        return out;
    }

    @Override
    public List<Part> partsFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        List<Part> rest = carried.partsFor(rank, layer, q, qPos, nq);
        List<Part> out = new ArrayList<>(1 + rest.size());
        out.add(new Part(read.block(layer), null));
        out.addAll(rest);
        return out;
    }
}
