package io.ringmem.kernel;

/**
 * Exact merge of attention partials computed over disjoint key sets.
 *
 * <p>For a row with partials (o₁, l₁) and (o₂, l₂), where oᵢ is the softmax-normalized output over key set i and
 * lᵢ its log-sum-exp, the attention over the union is {@code l = max + log(e^(l₁-max) + e^(l₂-max))} and
 * {@code o = e^(l₁-l)·o₁ + e^(l₂-l)·o₂}. Rows where one side is -∞ take the other side unchanged; rows where both
 * are -∞ stay (0, -∞). Exponents are never positive, so nothing overflows.
 */
public final class AttentionMerge {
    private AttentionMerge() {
    }

    /**
     * Merges (out2, lse2) into (out1, lse1) in place.
     *
     * @param out1 (rows, headDim) accumulated output, updated
     * @param lse1 (rows) accumulated log-sum-exp, updated
     * @param out2 (rows, headDim) the new partial
     * @param lse2 (rows) its log-sum-exp
     */
    public static void mergeInto(float[] out1, float[] lse1, float[] out2, float[] lse2, int rows, int headDim) {
        for (int r = 0; r < rows; r++) {
            float l1 = lse1[r], l2 = lse2[r];
            if (l2 == Float.NEGATIVE_INFINITY) continue;
            int o = r * headDim;
            if (l1 == Float.NEGATIVE_INFINITY) {
                System.arraycopy(out2, o, out1, o, headDim);
                lse1[r] = l2;
                continue;
            }
            float max = Math.max(l1, l2);
            double e1 = Math.exp(l1 - max), e2 = Math.exp(l2 - max);
            double sum = e1 + e2;
            float w1 = (float) (e1 / sum), w2 = (float) (e2 / sum);
            for (int c = 0; c < headDim; c++) out1[o + c] = w1 * out1[o + c] + w2 * out2[o + c];
            lse1[r] = (float) (max + Math.log(sum));
        }
    }
}
