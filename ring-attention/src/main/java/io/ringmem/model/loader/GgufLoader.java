package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.RopeScaling;
import io.ringmem.tensor.Matrix;
import io.ringmem.tokenizer.Gpt2ByteBpe;
import io.ringmem.tokenizer.SentencePieceBpe;
import io.ringmem.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a model from a parsed {@link GgufFile} (architecture {@code llama}). */
final class GgufLoader {
    private final GgufFile gguf;
    private final Path file;
    private final Map<String, Object> meta;
    private String arch;

    private GgufLoader(GgufFile gguf) {
        this.gguf = gguf;
        this.file = gguf.file();
        this.meta = gguf.metadata();
    }

    /** Result parts for {@link ModelLoader}. */
    record Parts(ModelConfig config, ModelWeights weights, Tokenizer tokenizer, List<String> stopText) {
    }

    static Parts load(Path file, MemorySegment mapped, Arena arena, boolean wantTokenizer) {
        return load(file, mapped, arena, wantTokenizer, LoadOptions.DEFAULT);
    }

    static Parts load(Path file, MemorySegment mapped, Arena arena, boolean wantTokenizer, LoadOptions options) {
        GgufLoader l = new GgufLoader(GgufFile.parse(file, mapped));
        return l.build(arena, wantTokenizer, options);
    }

    private Parts build(Arena arena, boolean wantTokenizer, LoadOptions options) {
        arch = string("general.architecture", null);
        if (arch == null) throw Fail.at(file, "metadata has no general.architecture");
        if (!arch.equals("llama")) {
            throw Fail.at(file, "architecture '" + arch + "' is not supported (only llama)");
        }
        int dim = requiredInt(arch + ".embedding_length");
        int hidden = requiredUniformInt(arch + ".feed_forward_length");
        int layers = requiredInt(arch + ".block_count");
        // every layer has 9 tensors: check against the directory before anything is sized by the count
        if (9L * layers > gguf.tensors().size()) {
            throw Fail.at(file, arch + ".block_count " + layers + " needs " + 9L * layers + " layer tensors, the file has "
                    + gguf.tensors().size() + " tensors in all");
        }
        int heads = requiredUniformInt(arch + ".attention.head_count");
        int kvHeads = meta.containsKey(arch + ".attention.head_count_kv")
                ? requiredUniformInt(arch + ".attention.head_count_kv") : heads;
        if (heads <= 0 || dim % heads != 0 && !meta.containsKey(arch + ".attention.key_length")) {
            throw Fail.at(file, arch + ".embedding_length " + dim + " is not a multiple of head_count " + heads);
        }
        int headDim = meta.containsKey(arch + ".attention.key_length")
                ? requiredInt(arch + ".attention.key_length") : dim / heads;
        if (meta.containsKey(arch + ".attention.value_length") && requiredInt(arch + ".attention.value_length") != headDim) {
            throw Fail.at(file, "attention.value_length differs from key_length; not supported");
        }
        if (meta.containsKey(arch + ".rope.dimension_count")) {
            int ropeDims = requiredInt(arch + ".rope.dimension_count");
            if (ropeDims != headDim) {
                throw Fail.at(file, arch + ".rope.dimension_count " + ropeDims + " differs from the head size "
                        + headDim + "; partial RoPE is not supported");
            }
        }
        int ctx = requiredInt(arch + ".context_length");
        float eps = (float) number(arch + ".attention.layer_norm_rms_epsilon", 1e-5);
        double theta = number(arch + ".rope.freq_base", 10000.0);
        RopeScaling scaling = ropeScaling(headDim, theta);

        Map<String, StoredTensor> tensors = gguf.tensors();
        StoredTensor embd = tensor("token_embd.weight");
        String[] tokens = stringArray("tokenizer.ggml.tokens");
        int vocab = tokens != null ? tokens.length : (int) embd.shapeOfRank(2)[0];

        ModelConfig config;
        try {
            config = new ModelConfig(dim, hidden, layers, heads, kvHeads, headDim, vocab, ctx, eps, theta,
                    RopeLayout.ADJACENT_PAIRS, scaling);
        } catch (IllegalArgumentException e) {
            throw Fail.at(file, "invalid model hyper-parameters: " + e.getMessage());
        }

        TensorConverter conv = new TensorConverter(arena, !options.dequantize());
        Matrix embedding = conv.matrix(embd, vocab, dim);
        StoredTensor out = tensors.get("output.weight");
        Matrix output = out == null ? embedding : conv.matrix(out, vocab, dim);
        float[] finalNorm = conv.vector(tensor("output_norm.weight"), dim);
        List<LayerWeights> blocks = new ArrayList<>(layers);
        int q = config.qDim();
        int kv = config.kvDim();
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            blocks.add(new LayerWeights(
                    conv.vector(tensor(p + "attn_norm.weight"), dim),
                    conv.matrix(tensor(p + "attn_q.weight"), q, dim),
                    conv.matrix(tensor(p + "attn_k.weight"), kv, dim),
                    conv.matrix(tensor(p + "attn_v.weight"), kv, dim),
                    conv.matrix(tensor(p + "attn_output.weight"), dim, q),
                    conv.vector(tensor(p + "ffn_norm.weight"), dim),
                    conv.matrix(tensor(p + "ffn_gate.weight"), hidden, dim),
                    conv.matrix(tensor(p + "ffn_down.weight"), dim, hidden),
                    conv.matrix(tensor(p + "ffn_up.weight"), hidden, dim)));
        }
        ModelWeights weights = new ModelWeights(embedding, blocks, finalNorm, output,
                MemoryTokens.load(conv, tensors.get(ModelWeights.MEMORY_TOKENS), dim));

        Tokenizer tokenizer = wantTokenizer ? tokenizer(tokens) : null;
        List<String> stop = List.of();
        int eos = tokenId("tokenizer.ggml.eos_token_id", tokens);
        if (tokens != null && eos >= 0 && !tokens[eos].isBlank()) stop = List.of(tokens[eos]);
        return new Parts(config, weights, tokenizer, stop);
    }

    /** Llama-3 style scaling is stored by llama.cpp as a {@code rope_freqs.weight} factor tensor. */
    private RopeScaling ropeScaling(int headDim, double theta) {
        String type = string(arch + ".rope.scaling.type", "none");
        if (!type.equals("none")) {
            double factor = number(arch + ".rope.scaling.factor", 1.0);
            if (!(type.equals("linear") && factor == 1.0)) {
                throw Fail.at(file, "RoPE scaling type '" + type + "' is not supported");
            }
        }
        StoredTensor freqs = gguf.tensors().get("rope_freqs.weight");
        if (freqs == null) return null;
        float[] factors = new TensorConverter(null).vector(freqs, headDim / 2);
        if (RopeFactors.isIdentity(factors)) return null;
        int originalCtx = meta.containsKey(arch + ".rope.scaling.original_context_length")
                ? requiredInt(arch + ".rope.scaling.original_context_length") : 8192;
        RopeScaling s = RopeFactors.fit(factors, headDim, theta, originalCtx);
        if (s == null) {
            throw Fail.at(file, "rope_freqs.weight holds RoPE frequency factors that do not follow the Llama 3 "
                    + "scaling rule; not supported");
        }
        return s;
    }

    private Tokenizer tokenizer(String[] tokens) {
        String model = string("tokenizer.ggml.model", null);
        if (model == null || tokens == null || model.equals("none") || model.equals("no_vocab")) return null;
        int[] types = intArray("tokenizer.ggml.token_type");
        try {
            switch (model) {
                case "llama" -> {
                    float[] scores = floatArray("tokenizer.ggml.scores");
                    if (scores == null) scores = new float[tokens.length];
                    int bos = meta.containsKey("tokenizer.ggml.bos_token_id") ? tokenId("tokenizer.ggml.bos_token_id", tokens) : 1;
                    int eos = meta.containsKey("tokenizer.ggml.eos_token_id") ? tokenId("tokenizer.ggml.eos_token_id", tokens) : 2;
                    int unk = meta.containsKey("tokenizer.ggml.unknown_token_id") ? tokenId("tokenizer.ggml.unknown_token_id", tokens) : 0;
                    SentencePieceBpe spm = SentencePieceBpe.fromGguf(tokens, scores, types, bos, eos, unk,
                            bool("tokenizer.ggml.add_bos_token", true));
                    if (meta.containsKey("tokenizer.ggml.add_space_prefix")) {
                        spm = spm.withAddDummyPrefix(bool("tokenizer.ggml.add_space_prefix", true));
                    }
                    return spm;
                }
                case "gpt2" -> {
                    String[] merges = stringArray("tokenizer.ggml.merges");
                    if (merges == null) throw Fail.at(file, "gpt2 tokenizer has no tokenizer.ggml.merges");
                    return Gpt2ByteBpe.fromGguf(tokens, merges, types,
                            tokenId("tokenizer.ggml.bos_token_id", tokens), tokenId("tokenizer.ggml.eos_token_id", tokens),
                            bool("tokenizer.ggml.add_bos_token", false));
                }
                default -> throw Fail.at(file, "tokenizer model '" + model + "' is not supported (llama, gpt2)");
            }
        } catch (IllegalArgumentException e) {
            throw Fail.at(file, "bad tokenizer metadata: " + e.getMessage());
        } catch (RingmemException e) {
            if (e.getMessage().startsWith(file.toString())) throw e;
            throw Fail.at(file, e.getMessage(), e);
        }
    }

    // ---- metadata access ----

    private StoredTensor tensor(String name) {
        StoredTensor t = gguf.tensors().get(name);
        if (t == null) throw Fail.at(file, "missing tensor " + name);
        return t;
    }

    /** A token id key, or -1 when absent or outside the vocabulary (llama.cpp writes 0xFFFFFFFF for none). */
    private int tokenId(String key, String[] tokens) {
        Object v = meta.get(key);
        if (!(v instanceof Number n)) return -1;
        long id = n.longValue();
        return id >= 0 && (tokens == null || id < tokens.length) ? (int) id : -1;
    }

    private String string(String key, String dflt) {
        Object v = meta.get(key);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw Fail.at(file, "metadata " + key + " should be a string, found " + describe(v));
    }

    private boolean bool(String key, boolean dflt) {
        Object v = meta.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw Fail.at(file, "metadata " + key + " should be a bool, found " + describe(v));
    }

    private double number(String key, double dflt) {
        Object v = meta.get(key);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw Fail.at(file, "metadata " + key + " should be a number, found " + describe(v));
    }

    private int requiredInt(String key) {
        Object v = meta.get(key);
        if (v == null) throw Fail.at(file, "metadata has no " + key);
        return toInt(key, v);
    }

    /** An integer key that may also be a per-layer array, as long as all entries are equal. */
    private int requiredUniformInt(String key) {
        Object v = meta.get(key);
        if (v == null) throw Fail.at(file, "metadata has no " + key);
        if (v instanceof GgufFile.Array a && a.values() instanceof long[] xs && xs.length > 0) {
            for (long x : xs) {
                if (x != xs[0]) throw Fail.at(file, key + " differs between layers; not supported");
            }
            return toInt(key, xs[0]);
        }
        return toInt(key, v);
    }

    private int toInt(String key, Object v) {
        if ((v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
            long x = ((Number) v).longValue();
            if (x >= 0 && x <= Integer.MAX_VALUE) return (int) x;
        }
        throw Fail.at(file, "metadata " + key + " should be a non-negative integer, found " + describe(v));
    }

    private String[] stringArray(String key) {
        Object v = meta.get(key);
        if (v == null) return null;
        if (v instanceof GgufFile.Array a && a.values() instanceof String[] s) return s;
        throw Fail.at(file, "metadata " + key + " should be an array of strings, found " + describe(v));
    }

    private float[] floatArray(String key) {
        Object v = meta.get(key);
        if (v == null) return null;
        if (v instanceof GgufFile.Array a) {
            if (a.values() instanceof float[] f) return f;
            if (a.values() instanceof double[] d) {
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
                return f;
            }
        }
        throw Fail.at(file, "metadata " + key + " should be an array of floats, found " + describe(v));
    }

    private int[] intArray(String key) {
        Object v = meta.get(key);
        if (v == null) return null;
        if (v instanceof GgufFile.Array a && a.values() instanceof long[] l) {
            int[] out = new int[l.length];
            for (int i = 0; i < l.length; i++) out[i] = (int) l[i];
            return out;
        }
        throw Fail.at(file, "metadata " + key + " should be an array of integers, found " + describe(v));
    }

    private static String describe(Object v) {
        if (v instanceof GgufFile.Array a) return "an array of " + a.length();
        if (v instanceof String) return "a string";
        return String.valueOf(v);
    }
}
