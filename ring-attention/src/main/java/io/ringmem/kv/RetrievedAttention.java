package io.ringmem.kv;

import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;

import java.util.Arrays;
import java.util.List;

/**
 * Exact attention of query rows over a list of fetched blocks: one {@link Kernels#attention} call per block and
 * {@link AttentionMerge#mergeInto} of the partials, which equals attention over the concatenation of the blocks
 * (to fp32 rounding; the merge order is the list order). The result is itself a partial {@code (out, lse)}, so it
 * merges with the segment's own ring-attention output the same way.
 */
public final class RetrievedAttention {
    private RetrievedAttention() {
    }

    /**
     * @param q      (nq, heads, headDim) rotated queries
     * @param qPos   (nq) their global positions (used only when causal)
     * @param blocks blocks with (n, kvHeads, headDim) k and v; may be empty
     * @param out    (nq, heads, headDim) written; rows that see no key get 0
     * @param lse    (nq, heads) written; rows that see no key get -∞
     */
    public static void attend(Kernels kernels, AttentionShape shape, float[] q, int[] qPos, int nq,
                              List<RetrievedBlock> blocks, boolean causal, float[] out, float[] lse) {
        int rows = nq * shape.heads(), d = shape.headDim(), w = shape.kvHeads() * d;
        Arrays.fill(out, 0, rows * d, 0f);
        Arrays.fill(lse, 0, rows, Float.NEGATIVE_INFINITY);
        float[] partOut = new float[rows * d], partLse = new float[rows];
        for (RetrievedBlock b : blocks) {
            int nk = b.tokens();
            if (nk == 0) continue;
            if (b.k().length != nk * w) {
                throw new IllegalArgumentException("block " + b.blockId() + ": k has " + b.k().length + " floats, expected "
                        + nk + "x" + shape.kvHeads() + "x" + d);
            }
            kernels.attention(shape, q, qPos, nq, b.k(), b.v(), b.positions(), nk, causal, partOut, partLse);
            AttentionMerge.mergeInto(out, lse, partOut, partLse, rows, d);
        }
    }
}
