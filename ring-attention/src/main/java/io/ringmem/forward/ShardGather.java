package io.ringmem.forward;

import io.ringmem.ring.KvBlock;

import java.util.Arrays;
import java.util.List;

/** Reassembles one layer's keys and values from the ranks' KV shards, in position order. */
public final class ShardGather {
    private ShardGather() {
    }

    /**
     * @param shards the caches a prefill (and decoding) left, one per rank
     * @return a block with every cached token of {@code layer}: positions ascending, k and v (n, kvHeads, headDim)
     */
    public static KvBlock layer(List<KvCache> shards, int layer, int kvDim) {
        int n = 0;
        for (KvCache s : shards) n += s.size();
        long[] order = new long[n]; // (position << 32 | shard << 20 | row), sorted by position
        int i = 0;
        for (int s = 0; s < shards.size(); s++) {
            KvCache c = shards.get(s);
            if (c.size() >= (1 << 20) || shards.size() >= (1 << 12)) throw new IllegalArgumentException("shard too large to gather");
            for (int r = 0; r < c.size(); r++) order[i++] = ((long) c.positions()[r] << 32) | ((long) s << 20) | r;
        }
        Arrays.sort(order);
        int[] pos = new int[n];
        float[] k = new float[n * kvDim], v = new float[n * kvDim];
        for (int t = 0; t < n; t++) {
            int s = (int) ((order[t] >>> 20) & 0xFFF), r = (int) (order[t] & 0xFFFFF);
            KvCache c = shards.get(s);
            pos[t] = (int) (order[t] >>> 32);
            System.arraycopy(c.keys(layer), r * kvDim, k, t * kvDim, kvDim);
            System.arraycopy(c.values(layer), r * kvDim, v, t * kvDim, kvDim);
        }
        return new KvBlock(layer, -1, pos, k, v);
    }
}
