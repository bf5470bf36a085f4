package io.ringmem.ring;

import java.util.Arrays;

/**
 * One rank's keys and values for one layer, as they travel around the ring. Only KV heads travel (GQA keeps
 * this {@code heads / kvHeads} times smaller than the queries).
 *
 * <p>Immutable by convention: arrays are shared, not copied, by the in-memory channel, so nobody may write to them
 * after the block is created.
 *
 * @param layer      transformer layer this block belongs to (checked on receipt)
 * @param sourceRank rank whose tokens these are
 * @param positions  (n) global token positions, ascending
 * @param k          (n, kvHeads, headDim) rotated keys
 * @param v          (n, kvHeads, headDim) values
 */
public record KvBlock(int layer, int sourceRank, int[] positions, float[] k, float[] v) {
    public KvBlock {
        if (k.length != v.length) throw new IllegalArgumentException("k and v differ in size");
        if (positions.length > 0 && k.length % positions.length != 0) {
            throw new IllegalArgumentException("k of " + k.length + " floats does not split over " + positions.length + " tokens");
        }
    }

    public int tokens() {
        return positions.length;
    }

    /** Tokens [from, to) of this block as a new block (arrays copied). */
    public KvBlock slice(int from, int to) {
        int width = positions.length == 0 ? 0 : k.length / positions.length;
        return new KvBlock(layer, sourceRank, Arrays.copyOfRange(positions, from, to),
                Arrays.copyOfRange(k, from * width, to * width), Arrays.copyOfRange(v, from * width, to * width));
    }

    public int minPosition() {
        return positions.length == 0 ? Integer.MAX_VALUE : positions[0];
    }

    /** Payload size in bytes (k, v and positions), for transport accounting. */
    public long byteSize() {
        return 4L * (k.length + v.length + positions.length);
    }
}
