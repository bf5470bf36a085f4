package io.ringmem.bench.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.model.loader.Dequantize;
import io.ringmem.model.loader.GgmlType;
import io.ringmem.model.loader.GgufWriter;
import io.ringmem.quant.Q4KFormat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a random-weight Llama ({@link RandomLlamaSpec}) as a GGUF file with a synthetic SentencePiece vocabulary
 * ({@link SpmVocab}) that llama.cpp, Jlama and Ringmem load, and optionally the same weights as a Hugging Face
 * folder ({@code config.json}, {@code model.safetensors} in F32, {@code tokenizer.json}) for peers that read only
 * safetensors (Jlama). Weights are N(0, 0.02²), norms 1. One tensor is in memory at a time, so a model larger
 * than the heap can be written. The HF folder holds the GGUF tensors' values as they are (no Q/K row permutation
 * between the two RoPE layouts): the same cost to run, not the same logits.
 */
public final class RandomLlamaWriter {
    /** One weight: its GGUF and HF names, shape outermost first. */
    record Weight(String gguf, String hf, long[] shape) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final RandomLlamaSpec spec;
    private final List<Weight> weights = new ArrayList<>();

    public RandomLlamaWriter(RandomLlamaSpec spec) {
        this.spec = spec;
        int h = spec.hidden(), kv = spec.kvDim(), f = spec.ffn();
        add("token_embd.weight", "model.embed_tokens.weight", spec.vocab(), h);
        for (int i = 0; i < spec.layers(); i++) {
            String g = "blk." + i + ".", m = "model.layers." + i + ".";
            add(g + "attn_norm.weight", m + "input_layernorm.weight", h);
            add(g + "attn_q.weight", m + "self_attn.q_proj.weight", h, h);
            add(g + "attn_k.weight", m + "self_attn.k_proj.weight", kv, h);
            add(g + "attn_v.weight", m + "self_attn.v_proj.weight", kv, h);
            add(g + "attn_output.weight", m + "self_attn.o_proj.weight", h, h);
            add(g + "ffn_norm.weight", m + "post_attention_layernorm.weight", h);
            add(g + "ffn_gate.weight", m + "mlp.gate_proj.weight", f, h);
            add(g + "ffn_down.weight", m + "mlp.down_proj.weight", h, f);
            add(g + "ffn_up.weight", m + "mlp.up_proj.weight", f, h);
        }
        add("output_norm.weight", "model.norm.weight", h);
        add("output.weight", "lm_head.weight", spec.vocab(), h);
    }

    private void add(String gguf, String hf, long... shape) {
        weights.add(new Weight(gguf, hf, shape));
    }

    /** The values of weight {@code i}: its own seeded stream, so GGUF and HF files agree. */
    float[] values(int i) {
        Weight w = weights.get(i);
        float[] v = new float[Math.toIntExact(w.elements())];
        if (w.shape().length == 1) {
            Arrays.fill(v, 1f);
            return v;
        }
        SplittableRandom r = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + i);
        for (int j = 0; j < v.length; j++) v[j] = (float) (r.nextGaussian() * 0.02);
        return v;
    }

    /** Writes the GGUF file. */
    public void writeGguf(Path file) throws IOException {
        SpmVocab vocab = new SpmVocab(spec.vocab());
        GgufWriter w = new GgufWriter()
                .string("general.architecture", "llama")
                .string("general.name", "ringmem-random-" + spec.format().lower())
                .uint32("general.file_type", fileType(spec.format()))
                .uint32("llama.vocab_size", spec.vocab())
                .uint32("llama.context_length", spec.context())
                .uint32("llama.embedding_length", spec.hidden())
                .uint32("llama.feed_forward_length", spec.ffn())
                .uint32("llama.block_count", spec.layers())
                .uint32("llama.attention.head_count", spec.heads())
                .uint32("llama.attention.head_count_kv", spec.kvHeads())
                .uint32("llama.rope.dimension_count", spec.headDim())
                .float32("llama.rope.freq_base", 10000f)
                .float32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .string("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", vocab.tokens())
                .floats("tokenizer.ggml.scores", vocab.scores())
                .int32s("tokenizer.ggml.token_type", vocab.types())
                .uint32("tokenizer.ggml.bos_token_id", 1)
                .uint32("tokenizer.ggml.eos_token_id", 2)
                .uint32("tokenizer.ggml.unknown_token_id", 0)
                .bool("tokenizer.ggml.add_bos_token", true)
                .bool("tokenizer.ggml.add_eos_token", false);
        for (int i = 0; i < weights.size(); i++) {
            Weight t = weights.get(i);
            int idx = i;
            if (t.shape().length == 2 && spec.format() == RandomLlamaSpec.Format.Q4_K) {
                Q4KFormat q4k = new Q4KFormat();
                int blocks = Math.toIntExact(t.elements() / q4k.blockElements());
                w.lazyTensor(t.gguf(), q4k.ggmlId(), (long) blocks * q4k.blockBytes(), () -> {
                    byte[] out = new byte[blocks * q4k.blockBytes()];
                    q4k.quantize(values(idx), 0, MemorySegment.ofArray(out), 0, blocks);
                    return out;
                }, t.shape());
                continue;
            }
            GgmlType type = t.shape().length == 1 ? GgmlType.F32 : ggmlType(spec.format());
            w.lazyTensor(t.gguf(), type.id, type.bytesFor(t.elements()), () -> Dequantize.encode(type, values(idx)), t.shape());
        }
        w.write(file);
    }

    private static GgmlType ggmlType(RandomLlamaSpec.Format f) {
        return switch (f) {
            case F32 -> GgmlType.F32;
            case Q8_0 -> GgmlType.Q8_0;
            case Q4_0 -> GgmlType.Q4_0;
            case Q4_K -> throw new IllegalStateException("Q4_K is written by Q4KFormat");
        };
    }

    /** llama.cpp's {@code llama_ftype}: ALL_F32 0, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_Q4_K_S 14 (all 2-D weights Q4_K). */
    private static int fileType(RandomLlamaSpec.Format f) {
        return switch (f) {
            case F32 -> 0;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 14;
        };
    }

    /** Writes {@code dir}/config.json, model.safetensors (F32) and tokenizer.json. */
    public void writeHfFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", spec.hidden());
        c.put("intermediate_size", spec.ffn());
        c.put("num_hidden_layers", spec.layers());
        c.put("num_attention_heads", spec.heads());
        c.put("num_key_value_heads", spec.kvHeads());
        c.put("vocab_size", spec.vocab());
        c.put("max_position_embeddings", spec.context());
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("hidden_act", "silu");
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("tie_word_embeddings", false);
        c.put("torch_dtype", "float32");
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson(json, new SpmVocab(spec.vocab())));
        writeSafetensors(dir.resolve("model.safetensors"), json);
    }

    private static ObjectNode tokenizerJson(ObjectMapper json, SpmVocab vocab) {
        ObjectNode t = json.createObjectNode();
        t.put("version", "1.0");
        ArrayNode added = t.putArray("added_tokens");
        String[] tokens = vocab.tokens();
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", tokens[id]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode norm = t.putObject("normalizer");
        norm.put("type", "Sequence");
        ArrayNode steps = norm.putArray("normalizers");
        steps.addObject().put("type", "Prepend").put("prepend", "\u2581");
        steps.addObject().put("type", "Replace").put("content", "\u2581").putObject("pattern").put("String", " ");
        t.putNull("pre_tokenizer");
        ObjectNode model = t.putObject("model");
        model.put("type", "BPE");
        model.put("unk_token", "<unk>");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode v = model.putObject("vocab");
        for (int id = 0; id < tokens.length; id++) v.put(tokens[id], id);
        model.putArray("merges");
        return t;
    }

    private void writeSafetensors(Path file, ObjectMapper json) throws IOException {
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Weight w : weights) {
            ObjectNode e = header.putObject(w.hf());
            e.put("dtype", "F32");
            ArrayNode shape = e.putArray("shape");
            for (long d : w.shape()) shape.add(d);
            e.putArray("data_offsets").add(offset).add(offset + 4 * w.elements());
            offset += 4 * w.elements();
        }
        byte[] h = json.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            os.write(h);
            for (int i = h.length; i < padded; i++) os.write(' ');
            for (int i = 0; i < weights.size(); i++) os.write(Dequantize.encode(GgmlType.F32, values(i)));
        }
    }

    /** The tensors' GGUF names in file order. */
    public List<String> ggufNames() {
        return weights.stream().map(Weight::gguf).toList();
    }
}
