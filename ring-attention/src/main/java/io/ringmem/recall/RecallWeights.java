package io.ringmem.recall;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The analytic weights of the recall model, by Hugging Face Llama tensor name (rotate-half RoPE layout: pair j is
 * head dims j and j + 64, as {@code LlamaForCausalLM} and Ringmem's HF loader use it, no permutation).
 *
 * <p>Every embedding is {@code [b, pad, T, 0, VAL, 0]} with {@code b = sqrt(255)} and
 * {@code |T|² + pad² + |VAL|² = 1}, so every token's RMS is exactly 1 and layer 0's RMSNorm is the identity.
 * Layer 0, head 0 (previous-token head): q and k read only the bias dimension and live in RoPE pairs 0..J−1 with
 * the phases of {@link PreviousTokenDesign}; v reads T; o writes it to P. Layer 1, head 0 (induction head): q reads T,
 * k reads P, both in pairs 32..63 ({@link RecallShape#contentHeadDim}), scaled so the logit is {@code β · T·P}; v
 * reads VAL; o writes it to O. lm_head row of value c reads O_c times γ. Head 1 of each layer, the MLPs and every
 * other lm_head row are zero; all norm weights are 1.
 *
 * @param design previous-token head
 * @param beta   β: the induction head's logit for a perfect match (T·P = 1)
 * @param gamma  γ: the answer logit for a full attention weight on the needle
 */
public record RecallWeights(PreviousTokenDesign design, double beta, double gamma) {
    /** The embedding's bias coordinate. */
    public static final double BIAS = Math.sqrt(255.0);

    /** All tensors, in the order they are written. */
    public Map<String, NamedTensor> build(RecallVocabulary vocab) {
        int dim = RecallShape.DIM, q = RecallShape.HEADS * RecallShape.HEAD_DIM, kv = RecallShape.KV_HEADS * RecallShape.HEAD_DIM;
        int vocabSize = RecallShape.vocabSize(), half = RecallShape.HEAD_DIM / 2;
        Map<String, NamedTensor> t = new LinkedHashMap<>();
        NamedTensor emb = put(t, NamedTensor.matrix("model.embed_tokens.weight", vocabSize, dim));
        for (int id = 0; id < vocabSize; id++) {
            double[] code = vocab.content(id);
            double norm2 = RecallVocabulary.dot(code, code);
            emb.set(id, RecallShape.BIAS, BIAS);
            for (int c = 0; c < code.length; c++) emb.set(id, RecallShape.T + c, code[c]);
            if (RecallVocabulary.isValue(id)) emb.set(id, RecallShape.VAL + id - RecallVocabulary.FIRST_VALUE, 1);
            else emb.set(id, RecallShape.PAD, Math.sqrt(Math.max(0, 1 - norm2)));
        }
        double sqrtHd = Math.sqrt(RecallShape.HEAD_DIM);
        for (int layer = 0; layer < RecallShape.LAYERS; layer++) {
            String p = "model.layers." + layer + ".";
            put(t, NamedTensor.ones(p + "input_layernorm.weight", dim));
            NamedTensor wq = put(t, NamedTensor.matrix(p + "self_attn.q_proj.weight", q, dim));
            NamedTensor wk = put(t, NamedTensor.matrix(p + "self_attn.k_proj.weight", kv, dim));
            NamedTensor wv = put(t, NamedTensor.matrix(p + "self_attn.v_proj.weight", kv, dim));
            NamedTensor wo = put(t, NamedTensor.matrix(p + "self_attn.o_proj.weight", dim, q));
            if (layer == 0) {
                for (int j = 0; j < design.pairs(); j++) {
                    double amp = Math.sqrt(design.weight(j) * design.scale() * sqrtHd) / BIAS, th = RecallShape.theta(j);
                    wq.set(j, RecallShape.BIAS, amp * Math.cos(th));
                    wq.set(j + half, RecallShape.BIAS, -amp * Math.sin(th));
                    wk.set(j, RecallShape.BIAS, amp);
                }
                for (int c = 0; c < RecallShape.CONTENT; c++) {
                    wv.set(c, RecallShape.T + c, 1);
                    wo.set(RecallShape.P + c, c, 1);
                }
            } else {
                double g = Math.sqrt(beta * sqrtHd);
                for (int c = 0; c < RecallShape.CONTENT; c++) {
                    wq.set(RecallShape.contentHeadDim(c), RecallShape.T + c, g);
                    wk.set(RecallShape.contentHeadDim(c), RecallShape.P + c, g);
                }
                for (int c = 0; c < RecallShape.VALUES; c++) {
                    wv.set(c, RecallShape.VAL + c, 1);
                    wo.set(RecallShape.O + c, c, 1);
                }
            }
            put(t, NamedTensor.ones(p + "post_attention_layernorm.weight", dim));
            put(t, NamedTensor.matrix(p + "mlp.gate_proj.weight", RecallShape.FFN, dim));
            put(t, NamedTensor.matrix(p + "mlp.up_proj.weight", RecallShape.FFN, dim));
            put(t, NamedTensor.matrix(p + "mlp.down_proj.weight", dim, RecallShape.FFN));
        }
        put(t, NamedTensor.ones("model.norm.weight", dim));
        NamedTensor head = put(t, NamedTensor.matrix("lm_head.weight", vocabSize, dim));
        for (int c = 0; c < RecallShape.VALUES; c++) head.set(RecallVocabulary.value(c), RecallShape.O + c, gamma);
        return t;
    }

    private static NamedTensor put(Map<String, NamedTensor> t, NamedTensor x) {
        t.put(x.name(), x);
        return x;
    }
}
