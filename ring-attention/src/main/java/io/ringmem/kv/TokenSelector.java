package io.ringmem.kv;

import java.util.Arrays;

/**
 * Chooses which tokens of a block to keep before compressing it: the first {@code sinks} tokens (attention sinks)
 * plus the {@code topT} other tokens with the highest score (typically the attention mass each token received,
 * accumulated over heads and queries). Ties are broken by the lower index. The result is sorted ascending, so the
 * caller can gather k, v and positions with {@link #gather} and compress only those rows; positions travel with
 * the block so RoPE'd keys keep their meaning.
 *
 * <p>Not guaranteed: anything about what the scores mean; the selector only ranks them.
 */
public final class TokenSelector {
    private TokenSelector() {
    }

    /**
     * @param scores (n) per-token scores, finite
     * @param sinks  S ≥ 0 leading tokens always kept (fewer if n &lt; S)
     * @param topT   T ≥ 0 further tokens kept by score (fewer if fewer remain)
     * @return the kept indices, ascending, {@code min(n, S) + min(T, n - min(n, S))} of them
     * @throws IllegalArgumentException for negative S or T or a non-finite score
     */
    public static int[] select(float[] scores, int sinks, int topT) {
        if (sinks < 0 || topT < 0) throw new IllegalArgumentException("sinks and topT must be >= 0, got " + sinks + ", " + topT);
        int n = scores.length, s = Math.min(sinks, n), t = Math.min(topT, n - s);
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(scores[i])) throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
        }
        // sort the non-sink indices by (score descending, index ascending) through a long key:
        // the high 32 bits order the score descending, the low 32 bits the index ascending
        long[] keys = new long[n - s];
        for (int i = s; i < n; i++) keys[i - s] = ((long) descendingKey(scores[i]) << 32) | i;
        Arrays.sort(keys);
        int[] kept = new int[s + t];
        for (int i = 0; i < s; i++) kept[i] = i;
        for (int i = 0; i < t; i++) kept[s + i] = (int) keys[i];
        Arrays.sort(kept, s, s + t);
        return kept;
    }

    /** A signed int whose order is the reverse of the float's order (-0 and +0 compare equal). */
    private static int descendingKey(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        int ascending = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // monotone in f as a signed int
        return ~ascending;
    }

    /** Rows {@code idx} of x (rows, width): returns (idx.length, width). */
    public static float[] gather(float[] x, int[] idx, int width) {
        float[] out = new float[idx.length * width];
        for (int i = 0; i < idx.length; i++) System.arraycopy(x, idx[i] * width, out, i * width, width);
        return out;
    }

    /** {@code positions[idx[i]]} for each i. */
    public static int[] gather(int[] positions, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = positions[idx[i]];
        return out;
    }
}
