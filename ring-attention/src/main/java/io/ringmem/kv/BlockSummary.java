package io.ringmem.kv;

/**
 * The retrieval key of one stored block (one layer, n tokens): per KV head, the mean of its keys over the block's
 * tokens, computed in double and stored as fp32. Keys are the rotated keys the block stores, so the summary lives
 * in the same space as rotated queries.
 *
 * @param blockId  caller's id of the block (unique within one {@link RetrievalIndex})
 * @param kvHeads  KV heads
 * @param headDim  head dimension
 * @param meanKeys (kvHeads, headDim) mean key per KV head
 */
public record BlockSummary(long blockId, int kvHeads, int headDim, float[] meanKeys) {
    public BlockSummary {
        if (kvHeads <= 0 || headDim <= 0) throw new IllegalArgumentException("kvHeads and headDim must be > 0");
        if (meanKeys.length != kvHeads * headDim) {
            throw new IllegalArgumentException("meanKeys has " + meanKeys.length + " floats, expected " + kvHeads * headDim);
        }
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
