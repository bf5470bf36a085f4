package io.ringmem.kv;

import java.util.Random;

/**
 * Planted synthetic retrieval data ("distractor level 1"): {@code blocks} blocks of {@code blockTokens} keys whose
 * every (token, KV head) vector is random with norm √headDim, and per trial one needle: in block {@link #needleBlock},
 * at one token, KV head 0 holds √headDim · u for a random unit u; one token of a {@code chunkTokens}-token query chunk
 * has √headDim · u in every query head of KV group 0, every other query vector random of the same norm. The needle's
 * logit is headDim, a random pair's is about N(0, headDim) / √headDim · √headDim, i.e. standard deviation √headDim: the
 * needle stands √headDim standard deviations out, so exact attention finds it, while a block's mean key dilutes it
 * blockTokens-fold among random keys of the same norm.
 *
 * <p>Keys are regenerated from the seed on demand ({@link #keysOf}), so {@code blocks} may be large without holding
 * every key. Not thread-safe.
 */
public final class NeedleHaystack {
    private final long seed;
    private final int blocks, blockTokens, heads, kvHeads, headDim, chunkTokens;
    private int needleBlock = -1, needleToken, queryToken;
    private float[] needle; // (headDim) the needle direction scaled to norm √headDim
    private float[] query;

    public NeedleHaystack(long seed, int blocks, int blockTokens, int heads, int kvHeads, int headDim, int chunkTokens) {
        if (blocks < 1 || blockTokens < 1 || chunkTokens < 1 || headDim < 1 || kvHeads < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("bad haystack shape");
        }
        this.seed = seed;
        this.blocks = blocks;
        this.blockTokens = blockTokens;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.chunkTokens = chunkTokens;
    }

    /** Plants trial {@code trial}'s needle (its block, token, direction and query chunk, all from the seed). */
    public void plant(int trial) {
        Random r = new Random(seed * 31 + 1_000_003L * (trial + 1));
        needleBlock = r.nextInt(blocks);
        needleToken = r.nextInt(blockTokens);
        needle = vector(r);
        int w = heads * headDim, group = heads / kvHeads, at = r.nextInt(chunkTokens);
        queryToken = at;
        query = new float[chunkTokens * w];
        for (int t = 0; t < chunkTokens; t++) {
            for (int h = 0; h < heads; h++) {
                float[] v = t == at && h < group ? needle : vector(r);
                System.arraycopy(v, 0, query, t * w + h * headDim, headDim);
            }
        }
    }

    /** Removes the planted needle: every block random (the query of the last trial stays). */
    public void clear() {
        needleBlock = -1;
    }

    /** (blockTokens, kvHeads, headDim) keys of block b, the needle included when b is the needle's block. */
    public float[] keysOf(int b) {
        Random r = new Random(seed ^ (0x9E3779B97F4A7C15L * (b + 1)));
        int w = kvHeads * headDim;
        float[] k = new float[blockTokens * w];
        for (int t = 0; t < blockTokens; t++) {
            for (int g = 0; g < kvHeads; g++) System.arraycopy(vector(r), 0, k, t * w + g * headDim, headDim);
        }
        if (b == needleBlock) System.arraycopy(needle, 0, k, needleToken * w, headDim);
        return k;
    }

    public BlockSummary summaryOf(int b) {
        return BlockSummary.of(b, keysOf(b), blockTokens, kvHeads, headDim);
    }

    /** The summary of block b with {@code reps} representative keys. */
    public BlockSummary summaryOf(int b, int reps) {
        return BlockSummary.of(b, keysOf(b), blockTokens, kvHeads, headDim, reps);
    }

    /** (chunkTokens, heads, headDim) the query chunk of the planted trial. */
    public float[] query() {
        return query;
    }

    /** Which token of the query chunk asks for the needle. */
    public int queryToken() {
        return queryToken;
    }

    public int needleBlock() {
        return needleBlock;
    }

    public int blocks() {
        return blocks;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    public int blockTokens() {
        return blockTokens;
    }

    /** A random vector of norm √headDim. */
    private float[] vector(Random r) {
        float[] v = new float[headDim];
        double n = 0;
        for (int c = 0; c < headDim; c++) {
            v[c] = (float) r.nextGaussian();
            n += v[c] * v[c];
        }
        double scale = Math.sqrt(headDim / n);
        for (int c = 0; c < headDim; c++) v[c] = (float) (v[c] * scale);
        return v;
    }
}
