package io.ringmem.kv;

/**
 * A fetched and decoded block ready for attention.
 *
 * @param blockId   the block's id
 * @param positions (n) global positions of its tokens (ascending not required)
 * @param k         (n, kvHeads, headDim) rotated keys
 * @param v         (n, kvHeads, headDim) values
 */
public record RetrievedBlock(long blockId, int[] positions, float[] k, float[] v) {
    public RetrievedBlock {
        if (k.length != v.length) throw new IllegalArgumentException("k and v differ in size");
        if (positions.length == 0 ? k.length != 0 : k.length % positions.length != 0) {
            throw new IllegalArgumentException("k of " + k.length + " floats does not split over " + positions.length + " tokens");
        }
    }

    /** Wraps a decoded block with its positions. */
    public static RetrievedBlock of(long blockId, int[] positions, DecodedKv kv) {
        if (positions.length != kv.n()) throw new IllegalArgumentException(positions.length + " positions for " + kv.n() + " tokens");
        return new RetrievedBlock(blockId, positions, kv.k(), kv.v());
    }

    public int tokens() {
        return positions.length;
    }
}
