package io.ringmem.forward;

import java.util.Arrays;

/**
 * One rank's keys and values for every layer, for the tokens it holds, in insertion order (prefill shard first,
 * then decoded tokens appended). Keys are stored rotated.
 *
 * <p>Layout per layer: k, v (capacity, kvHeads, headDim); positions (capacity). Only the first {@link #size()}
 * rows are valid. Not thread-safe: one writer at a time.
 */
public final class KvCache {
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

    /** Reserves a row for a token at {@code position} in every layer; returns its index. */
    int addToken(int position) {
        if (size == positions.length) {
            int cap = Math.max(16, positions.length + positions.length / 2);
            positions = Arrays.copyOf(positions, cap);
            for (int l = 0; l < k.length; l++) {
                k[l] = Arrays.copyOf(k[l], cap * kvDim);
                v[l] = Arrays.copyOf(v[l], cap * kvDim);
            }
        }
        positions[size] = position;
        return size++;
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
