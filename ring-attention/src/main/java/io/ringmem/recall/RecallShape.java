package io.ringmem.recall;

import io.ringmem.RingmemException;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;

/**
 * The fixed shape of the recall checkpoint and how its residual stream is partitioned. Only the trained context
 * {@code C} and the seed vary; everything else is a constant of the construction (docs/recall-model.md).
 *
 * <pre>
 * residual (256):  [0] bias b = sqrt(255)   [1] pad   [2, 66) T: content code   [66, 130) P: previous token's T
 *                  [130, 193) VAL: value one-hot   [193, 256) O: recalled value, read by lm_head
 * heads: 2 query heads of 128 (head 0 works, head 1 is zero), 1 KV head; RoPE pairs (j, j+64), theta_j = 1e20^(-j/64)
 * layer 0 head 0: previous-token head on pairs [0, J) (J &lt; 32)   layer 1 head 0: induction head on pairs [32, 64)
 * </pre>
 *
 * @param contextTokens C, written as {@code max_position_embeddings}: the largest distance and the largest number of
 *                      attended positions the margins are asserted for
 */
public record RecallShape(int contextTokens) {
    public static final int DIM = 256;
    public static final int HEADS = 2;
    public static final int KV_HEADS = 1;
    public static final int HEAD_DIM = 128;
    public static final int LAYERS = 2;
    public static final int FFN = 32;
    public static final double ROPE_THETA = 1e20;
    public static final float NORM_EPS = 1e-5f;
    /** Content dimensions = RoPE pairs [32, 64) of a head, both components. */
    public static final int CONTENT = 64;
    public static final int KEYS = 64;
    public static final int VALUES = 63;
    public static final int FILLERS = 200;
    public static final int DISTRACTORS = 256;
    /** First RoPE pair of the induction head: theta_32 = 1e-10 rad per position. */
    public static final int LOW_PAIR = 32;
    public static final int BIAS = 0;
    public static final int PAD = 1;
    public static final int T = 2;
    public static final int P = T + CONTENT;
    public static final int VAL = P + CONTENT;
    public static final int O = VAL + VALUES;
    /** Smallest accepted C. */
    public static final int MIN_CONTEXT = 16;
    /** Largest accepted C: the induction head's pairs rotate by at most 1e-10 · 2^24 ≈ 1.7e-3 rad over it. */
    public static final int MAX_CONTEXT = 1 << 24;

    public RecallShape {
        if (contextTokens < MIN_CONTEXT || contextTokens > MAX_CONTEXT) {
            throw new RingmemException("context " + contextTokens + " is outside the recall model's limits [" + MIN_CONTEXT + ", "
                    + MAX_CONTEXT + "] (above 2^24 the induction head's RoPE pairs rotate by more than 1.7e-3 rad)");
        }
    }

    /** Vocabulary size: 3 specials + keys + values + fillers + distractors. */
    public static int vocabSize() {
        return 3 + KEYS + VALUES + FILLERS + DISTRACTORS;
    }

    /** The Llama config Ringmem builds from the written config.json. */
    public ModelConfig modelConfig() {
        return new ModelConfig(DIM, FFN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, vocabSize(), contextTokens, NORM_EPS, ROPE_THETA,
                RopeLayout.ROTATE_HALF, null);
    }

    /** RoPE angular frequency of pair {@code j}, as {@link io.ringmem.kernel.RopeTable} computes it. */
    public static double theta(int j) {
        return 1.0 / Math.pow(ROPE_THETA, (2.0 * j) / HEAD_DIM);
    }

    /** Head dimension that carries content coordinate {@code c} in the induction head (pairs 32..63, both halves). */
    public static int contentHeadDim(int c) {
        int half = HEAD_DIM / 2;
        return c < half - LOW_PAIR ? LOW_PAIR + c : half + LOW_PAIR + (c - (half - LOW_PAIR));
    }
}
