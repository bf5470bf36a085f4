package io.ringmem.forward;

import java.util.Arrays;

/**
 * One rank's keys and values for every layer, for the tokens it holds, in insertion order (prefill shard first,
 * then decoded tokens appended). Keys are stored rotated.
 *
 * <p>Layout per layer: k, v (capacity, kvHeads, headDim); positions (capacity). Only the first {@link #size()}
 * rows are valid. Capacity grows in chunks: by {@link #reserve} (a decoder that knows how many tokens it will add
 * reserves them once, so its steps never reallocate) or, when a token finds no free row, by a quarter of the
 * capacity and at least {@link #GROW_TOKENS} tokens. Not thread-safe: one writer at a time.
 */
public final class KvCache {
    /** Smallest growth, in tokens, when a token finds the cache full. */
    static final int GROW_TOKENS = 256;

    private final int kvDim;
    private final float[][] k; // [layer] (capacity, kvDim)
    private final float[][] v;
    private int[] positions;
    private int size;

    public KvCache(int layers, int kvDim) {
        this.kvDim = kvDim;
        this.k = new float[layers][0];
        this.v = new float[layers][0];
        this.positions = new int[0];
    }

    /** Adopts a prefill shard: positions (n) and per-layer arrays are set with {@link #setLayer}. */
    void startWith(int[] shardPositions) {
        positions = shardPositions.clone();
        size = shardPositions.length;
    }

    void setLayer(int layer, float[] layerK, float[] layerV) {
        k[layer] = layerK;
        v[layer] = layerV;
    }

    /** Rows the arrays hold, valid or not. */
    public int capacity() {
        return positions.length;
    }

    /** Makes room for {@code tokens} more rows, so that many {@link #addToken} calls allocate nothing. */
    public void reserve(int tokens) {
        if (tokens < 0) throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        long need = (long) size + tokens;
        if (need > positions.length) growTo(need);
    }

    /** Reserves a row for a token at {@code position} in every layer; returns its index. */
    int addToken(int position) {
        if (size == positions.length) growTo((long) size + Math.max(GROW_TOKENS, size / 4));
        positions[size] = position;
        return size++;
    }

    private void growTo(long rows) {
        if (rows * kvDim > Integer.MAX_VALUE - 8) throw new IllegalStateException("KV cache over 2^31 floats per layer");
        int cap = (int) rows;
        positions = Arrays.copyOf(positions, cap);
        for (int l = 0; l < k.length; l++) {
            k[l] = Arrays.copyOf(k[l], cap * kvDim);
            v[l] = Arrays.copyOf(v[l], cap * kvDim);
        }
    }

    void write(int layer, int index, float[] kRow, float[] vRow) {
        System.arraycopy(kRow, 0, k[layer], index * kvDim, kvDim);
        System.arraycopy(vRow, 0, v[layer], index * kvDim, kvDim);
    }

    public int size() {
        return size;
    }

    public int[] positions() {
        return positions;
    }

    public float[] keys(int layer) {
        return k[layer];
    }

    public float[] values(int layer) {
        return v[layer];
    }

    /**
     * A cache holding exactly the given rows (e.g. a shard received from another process).
     *
     * @param positions (n) global positions
     * @param k         [layer] (n, kvDim) rotated keys; arrays are adopted, not copied
     * @param v         [layer] (n, kvDim) values
     */
    public static KvCache of(int[] positions, float[][] k, float[][] v, int kvDim) {
        if (k.length != v.length) throw new IllegalArgumentException("k has " + k.length + " layers, v " + v.length);
        KvCache c = new KvCache(k.length, kvDim);
        for (int l = 0; l < k.length; l++) {
            if (k[l].length != positions.length * kvDim || v[l].length != k[l].length) {
                throw new IllegalArgumentException("layer " + l + ": expected " + positions.length * kvDim + " floats");
            }
            c.setLayer(l, k[l], v[l]);
        }
        c.startWith(positions);
        return c;
    }

    /** Layers held. */
    public int layers() {
        return k.length;
    }
}
