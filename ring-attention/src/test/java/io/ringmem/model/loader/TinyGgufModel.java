package io.ringmem.model.loader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small random Llama model (dim 64, 2 layers, GQA 4/2) as named GGUF tensors, for writing with {@link GgufWriter}.
 * The wider variant ({@link #TinyGgufModel(long, boolean, int, int)}, e.g. dim 256, hidden 512) has rows that are
 * whole K-quant super-blocks (256 values), so its matrices can be written as Q4_K, Q5_K, Q6_K or Q8_K.
 */
final class TinyGgufModel {
    static final int DIM = 64, HIDDEN = 96, LAYERS = 2, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 16, VOCAB = 64, CTX = 256;

    /** This instance's embedding and FFN widths ({@link #DIM}, {@link #HIDDEN} unless built wider). */
    final int dim, hidden;

    record Tensor(float[] values, long[] shape) {
    }

    /** Tensors by GGUF name, shapes outermost first. */
    final Map<String, Tensor> tensors = new LinkedHashMap<>();

    TinyGgufModel(long seed, boolean withOutput) {
        this(seed, withOutput, DIM, HIDDEN);
    }

    /** The same layout with {@code dim} (a multiple of {@link #HEADS}) and {@code hidden} as widths. */
    TinyGgufModel(long seed, boolean withOutput, int dim, int hidden) {
        this.dim = dim;
        this.hidden = hidden;
        SplittableRandom r = new SplittableRandom(seed);
        add(r, "token_embd.weight", VOCAB, dim);
        add(r, "output_norm.weight", dim);
        if (withOutput) add(r, "output.weight", VOCAB, dim);
        int kv = KV_HEADS * headDim();
        for (int i = 0; i < LAYERS; i++) {
            String p = "blk." + i + ".";
            add(r, p + "attn_norm.weight", dim);
            add(r, p + "attn_q.weight", dim, dim);
            add(r, p + "attn_k.weight", kv, dim);
            add(r, p + "attn_v.weight", kv, dim);
            add(r, p + "attn_output.weight", dim, dim);
            add(r, p + "ffn_norm.weight", dim);
            add(r, p + "ffn_gate.weight", hidden, dim);
            add(r, p + "ffn_down.weight", dim, hidden);
            add(r, p + "ffn_up.weight", hidden, dim);
        }
    }

    int headDim() {
        return dim / HEADS;
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

    /**
     * Llama metadata plus every tensor stored as {@code type}; with a K-quant type the 1-D norm weights stay F32, as
     * llama.cpp's quantizer keeps them.
     */
    GgufWriter writer(GgmlType type) {
        GgufWriter w = new GgufWriter()
                .string("general.architecture", "llama")
                .string("general.name", "tiny")
                .uint32("llama.context_length", CTX)
                .uint32("llama.embedding_length", dim)
                .uint32("llama.feed_forward_length", hidden)
                .uint32("llama.block_count", LAYERS)
                .uint32("llama.attention.head_count", HEADS)
                .uint32("llama.attention.head_count_kv", KV_HEADS)
                .uint32("llama.rope.dimension_count", headDim())
                .float32("llama.rope.freq_base", 20000f)
                .float32("llama.attention.layer_norm_rms_epsilon", 1e-6f);
        boolean kQuant = type.blockSize == 256;
        tensors.forEach((name, t) -> w.tensor(name, kQuant && t.shape().length == 1 ? GgmlType.F32 : type, t.values(),
                t.shape()));
        return w;
    }
}
