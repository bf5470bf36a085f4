package io.ringmem.kv;

import java.util.Arrays;

/**
 * The retrieval keys of one stored block (one layer, n tokens): per representative and KV head, the mean of its keys
 * over the representative's tokens, computed in double and stored as fp32. One representative ({@link #of(long,
 * float[], int, int, int)}) is the block's mean key; {@code reps} representatives split the block into {@code reps}
 * contiguous runs of tokens (token t in run {@code t * reps / n}; InfLLM keeps several representative keys per block
 * too), so a key that one query wants is diluted by its run, not by the whole block, at {@code reps} times the memory.
 * Keys are the rotated keys the block stores, so the summary lives in the same space as rotated queries.
 *
 * @param blockId  caller's id of the block (unique within one {@link RetrievalIndex})
 * @param kvHeads  KV heads
 * @param headDim  head dimension
 * @param meanKeys (reps, kvHeads, headDim) mean key per representative and KV head, reps ≥ 1
 */
public record BlockSummary(long blockId, int kvHeads, int headDim, float[] meanKeys) {
    public BlockSummary {
        if (kvHeads <= 0 || headDim <= 0) throw new IllegalArgumentException("kvHeads and headDim must be > 0");
        if (meanKeys.length == 0 || meanKeys.length % (kvHeads * headDim) != 0) {
            throw new IllegalArgumentException("meanKeys has " + meanKeys.length + " floats, expected a positive multiple of "
                    + kvHeads * headDim);
        }
    }

    /** Representative keys per KV head (1: the block's mean key). */
    public int reps() {
        return meanKeys.length / (kvHeads * headDim);
    }

    /**
     * {@code reps} representatives (capped at n): run r holds tokens t with {@code t * reps / n == r}.
     *
     * @param k (n, kvHeads, headDim) keys of the block, n ≥ 1
     */
    public static BlockSummary of(long blockId, float[] k, int n, int kvHeads, int headDim, int reps) {
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        if (n <= 0) throw new IllegalArgumentException("cannot summarize an empty block");
        int r = Math.min(reps, n), w = kvHeads * headDim;
        if (k.length < n * w) throw new IllegalArgumentException("k has " + k.length + " floats, expected " + n * w);
        float[] out = new float[r * w];
        for (int i = 0; i < r; i++) {
            int from = (int) Math.ceilDiv((long) i * n, r), to = (int) Math.ceilDiv((long) (i + 1) * n, r);
            float[] mean = of(blockId, Arrays.copyOfRange(k, from * w, to * w), to - from, kvHeads, headDim).meanKeys();
            System.arraycopy(mean, 0, out, i * w, w);
        }
        return new BlockSummary(blockId, kvHeads, headDim, out);
    }

    /**
     * @param k (n, kvHeads, headDim) keys of the block, n ≥ 1
     */
    public static BlockSummary of(long blockId, float[] k, int n, int kvHeads, int headDim) {
        int w = KvHeader.elements(n, kvHeads, headDim) / Math.max(n, 1);
        if (n == 0) throw new IllegalArgumentException("cannot summarize an empty block");
        if (k.length < n * w) throw new IllegalArgumentException("k has " + k.length + " floats, expected " + n * w);
        double[] acc = new double[w];
        for (int t = 0; t < n; t++) {
            int o = t * w;
            for (int c = 0; c < w; c++) acc[c] += k[o + c];
        }
        float[] mean = new float[w];
        for (int c = 0; c < w; c++) mean[c] = (float) (acc[c] / n);
        return new BlockSummary(blockId, kvHeads, headDim, mean);
    }
}
