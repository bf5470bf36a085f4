package io.ringmem.model.loader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** A small random Llama model (dim 64, 2 layers, GQA 4/2) as named GGUF tensors, for writing with {@link GgufWriter}. */
final class TinyGgufModel {
    static final int DIM = 64, HIDDEN = 96, LAYERS = 2, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 16, VOCAB = 64, CTX = 256;

    record Tensor(float[] values, long[] shape) {
    }

    /** Tensors by GGUF name, shapes outermost first. */
    final Map<String, Tensor> tensors = new LinkedHashMap<>();

    TinyGgufModel(long seed, boolean withOutput) {
        SplittableRandom r = new SplittableRandom(seed);
        add(r, "token_embd.weight", VOCAB, DIM);
        add(r, "output_norm.weight", DIM);
        if (withOutput) add(r, "output.weight", VOCAB, DIM);
        int kv = KV_HEADS * HEAD_DIM;
        for (int i = 0; i < LAYERS; i++) {
            String p = "blk." + i + ".";
            add(r, p + "attn_norm.weight", DIM);
            add(r, p + "attn_q.weight", DIM, DIM);
            add(r, p + "attn_k.weight", kv, DIM);
            add(r, p + "attn_v.weight", kv, DIM);
            add(r, p + "attn_output.weight", DIM, DIM);
            add(r, p + "ffn_norm.weight", DIM);
            add(r, p + "ffn_gate.weight", HIDDEN, DIM);
            add(r, p + "ffn_down.weight", DIM, HIDDEN);
            add(r, p + "ffn_up.weight", HIDDEN, DIM);
        }
    }

    private void add(SplittableRandom r, String name, long... shape) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        float[] v = new float[n];
        // a spread of magnitudes per block, some exact zeros, to exercise the scales
        for (int i = 0; i < n; i++) {
            double scale = Math.pow(10, r.nextInt(-3, 2));
            v[i] = r.nextInt(50) == 0 ? 0f : (float) (r.nextGaussian() * scale);
        }
        tensors.put(name, new Tensor(v, shape));
    }

    float[] get(String name) {
        return tensors.get(name).values();
    }

    /** Llama metadata plus every tensor stored as {@code type}. */
    GgufWriter writer(GgmlType type) {
        GgufWriter w = new GgufWriter()
                .string("general.architecture", "llama")
                .string("general.name", "tiny")
                .uint32("llama.context_length", CTX)
                .uint32("llama.embedding_length", DIM)
                .uint32("llama.feed_forward_length", HIDDEN)
                .uint32("llama.block_count", LAYERS)
                .uint32("llama.attention.head_count", HEADS)
                .uint32("llama.attention.head_count_kv", KV_HEADS)
                .uint32("llama.rope.dimension_count", HEAD_DIM)
                .float32("llama.rope.freq_base", 20000f)
                .float32("llama.attention.layer_norm_rms_epsilon", 1e-6f);
        tensors.forEach((name, t) -> w.tensor(name, type, t.values(), t.shape()));
        return w;
    }
}
