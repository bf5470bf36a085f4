package io.ringmem.model.loader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.RopeScaling;
import io.ringmem.tensor.Matrix;
import io.ringmem.tokenizer.HfBpeTokenizer;
import io.ringmem.tokenizer.Tokenizer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a model from a Hugging Face Llama folder: {@code config.json} plus {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json}; the tokenizer from {@code tokenizer.json} when present.
 */
final class HfLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = "config.json";
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private HfLoader() {
    }

    /** Parsed {@code config.json}: the model config and the settings the weights need. */
    record HfConfig(ModelConfig config, boolean tied) {
    }

    /**
     * @param dir     the model folder
     * @param weights a specific weights file ({@code .safetensors} or the index), or null for the folder's default
     */
    static GgufLoader.Parts load(Path dir, Path weights, Arena arena, boolean wantTokenizer) {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw Fail.at(dir, "no config.json (expected a Hugging Face model folder)");
        }
        JsonNode cfg = readJson(configFile);
        Tensors tensors = openTensors(dir, weights, arena);
        Path where = tensors.where;

        HfConfig hc = parseConfig(configFile, cfg, tensors);
        ModelConfig c = hc.config();
        TensorConverter conv = new TensorConverter(arena);
        StoredTensor embT = tensors.find("model.embed_tokens.weight");
        StoredTensor headT = tensors.find("lm_head.weight");
        if (embT == null && headT == null) throw Fail.at(where, "missing tensor model.embed_tokens.weight");
        Matrix embedding = conv.matrix(embT != null ? embT : headT, c.vocabSize(), c.dim());
        Matrix output = hc.tied() || headT == null || embT == null || headT == embT
                ? embedding : conv.matrix(headT, c.vocabSize(), c.dim());
        float[] finalNorm = conv.vector(tensors.get("model.norm.weight"), c.dim());
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            layers.add(new LayerWeights(
                    conv.vector(tensors.get(p + "input_layernorm.weight"), c.dim()),
                    conv.matrix(tensors.get(p + "self_attn.q_proj.weight"), c.qDim(), c.dim()),
                    conv.matrix(tensors.get(p + "self_attn.k_proj.weight"), c.kvDim(), c.dim()),
                    conv.matrix(tensors.get(p + "self_attn.v_proj.weight"), c.kvDim(), c.dim()),
                    conv.matrix(tensors.get(p + "self_attn.o_proj.weight"), c.dim(), c.qDim()),
                    conv.vector(tensors.get(p + "post_attention_layernorm.weight"), c.dim()),
                    conv.matrix(tensors.get(p + "mlp.gate_proj.weight"), c.hiddenDim(), c.dim()),
                    conv.matrix(tensors.get(p + "mlp.down_proj.weight"), c.dim(), c.hiddenDim()),
                    conv.matrix(tensors.get(p + "mlp.up_proj.weight"), c.hiddenDim(), c.dim())));
        }
        ModelWeights w = new ModelWeights(embedding, layers, finalNorm, output,
                MemoryTokens.load(conv, tensors.find(ModelWeights.MEMORY_TOKENS), c.dim()));

        Path tokJson = dir.resolve("tokenizer.json");
        Path tokConfig = dir.resolve("tokenizer_config.json");
        Tokenizer tokenizer = wantTokenizer && Files.isRegularFile(tokJson)
                ? HfBpeTokenizer.fromFile(tokJson, Files.isRegularFile(tokConfig) ? tokConfig : null) : null;
        return new GgufLoader.Parts(c, w, tokenizer, eosStrings(cfg, tokJson, tokConfig));
    }

    // ---- config.json ----

    static HfConfig parseConfig(Path file, JsonNode cfg, Tensors tensors) {
        if (!cfg.isObject()) throw Fail.at(file, "not a JSON object");
        String modelType = text(cfg, "model_type");
        if (modelType != null && !modelType.equals("llama")) {
            throw Fail.at(file, "model_type '" + modelType + "' is not supported (only llama)");
        }
        String act = text(cfg, "hidden_act");
        if (act != null && !act.equals("silu")) throw Fail.at(file, "hidden_act '" + act + "' is not supported (only silu)");
        for (String bias : new String[]{"attention_bias", "mlp_bias"}) {
            if (cfg.path(bias).asBoolean(false)) throw Fail.at(file, bias + "=true is not supported");
        }
        int dim = integer(file, cfg, "hidden_size", -1);
        int hidden = integer(file, cfg, "intermediate_size", -1);
        int layers = integer(file, cfg, "num_hidden_layers", -1);
        int heads = integer(file, cfg, "num_attention_heads", -1);
        if (heads == 0) throw Fail.at(file, "num_attention_heads must be positive");
        int kvHeads = integer(file, cfg, "num_key_value_heads", heads);
        if (dim % heads != 0 && !present(cfg, "head_dim")) {
            throw Fail.at(file, "hidden_size " + dim + " is not a multiple of num_attention_heads " + heads);
        }
        int headDim = integer(file, cfg, "head_dim", dim / heads);
        int vocab = integer(file, cfg, "vocab_size", 0);
        if (vocab == 0 && tensors != null) {
            StoredTensor e = tensors.find("model.embed_tokens.weight");
            if (e == null) e = tensors.find("lm_head.weight");
            if (e != null) vocab = (int) e.shapeOfRank(2)[0];
        }
        int maxPos = integer(file, cfg, "max_position_embeddings", 2048);
        double eps = number(file, cfg, "rms_norm_eps", 1e-6);
        JsonNode params = cfg.get("rope_parameters");
        double theta = present(cfg, "rope_theta") ? number(file, cfg, "rope_theta", 10000)
                : params != null && params.isObject() && present(params, "rope_theta")
                ? number(file, params, "rope_theta", 10000) : 10000;
        JsonNode scalingNode = present(cfg, "rope_scaling") ? cfg.get("rope_scaling") : params;
        RopeScaling scaling = ropeScaling(file, scalingNode);
        boolean tied = cfg.path("tie_word_embeddings").asBoolean(false);
        try {
            return new HfConfig(new ModelConfig(dim, hidden, layers, heads, kvHeads, headDim, vocab, maxPos,
                    (float) eps, theta, RopeLayout.ROTATE_HALF, scaling), tied);
        } catch (IllegalArgumentException e) {
            throw Fail.at(file, "invalid model hyper-parameters: " + e.getMessage());
        }
    }

    private static RopeScaling ropeScaling(Path file, JsonNode s) {
        if (s == null || s.isNull()) return null;
        if (!s.isObject()) throw Fail.at(file, "rope_scaling should be an object");
        String type = present(s, "rope_type") ? text(s, "rope_type") : text(s, "type");
        if (type == null || type.equals("default")) return null;
        if (!type.equals("llama3")) {
            throw Fail.at(file, "RoPE scaling type '" + type + "' is not supported (only llama3)");
        }
        if (!present(s, "factor")) throw Fail.at(file, "llama3 rope scaling has no factor");
        try {
            return new RopeScaling(number(file, s, "factor", 1), number(file, s, "low_freq_factor", 1),
                    number(file, s, "high_freq_factor", 4),
                    integer(file, s, "original_max_position_embeddings", 8192));
        } catch (IllegalArgumentException e) {
            throw Fail.at(file, e.getMessage());
        }
    }

    private static boolean present(JsonNode n, String key) {
        return n.has(key) && !n.get(key).isNull();
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** An integer field; {@code dflt < 0} means required. */
    private static int integer(Path file, JsonNode n, String key, int dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (dflt < 0) throw Fail.at(file, "missing " + key);
            return dflt;
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            if (d == Math.rint(d) && d >= 0 && d <= Integer.MAX_VALUE) return (int) d;
        }
        throw Fail.at(file, key + " should be a non-negative integer, found " + v);
    }

    private static double number(Path file, JsonNode n, String key, double dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return dflt;
        if (v.isNumber()) return v.asDouble();
        throw Fail.at(file, key + " should be a number, found " + v);
    }

    static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || n.isMissingNode()) throw Fail.at(file, "empty JSON file");
            return n;
        } catch (JsonProcessingException e) {
            throw Fail.at(file, "not valid JSON (" + Fail.json(e) + ")");
        } catch (IOException e) {
            throw Fail.at(file, "cannot read: " + e.getMessage());
        }
    }

    // ---- EOS text ----

    /** The EOS token strings, from tokenizer_config.json's eos_token or config.json's eos_token_id + tokenizer.json. */
    private static List<String> eosStrings(JsonNode cfg, Path tokJson, Path tokConfig) {
        Set<String> out = new LinkedHashSet<>();
        try {
            if (Files.isRegularFile(tokConfig)) {
                JsonNode e = readJson(tokConfig).get("eos_token");
                if (e != null && e.isTextual()) out.add(e.asText());
                else if (e != null && e.isObject() && e.path("content").isTextual()) out.add(e.get("content").asText());
            }
            if (out.isEmpty() && Files.isRegularFile(tokJson)) {
                Set<Integer> ids = new LinkedHashSet<>();
                JsonNode e = cfg.get("eos_token_id");
                if (e != null && e.isInt()) ids.add(e.asInt());
                if (e != null && e.isArray()) e.forEach(x -> ids.add(x.asInt()));
                if (!ids.isEmpty()) {
                    for (JsonNode t : readJson(tokJson).path("added_tokens")) {
                        if (ids.contains(t.path("id").asInt(-1)) && t.path("content").isTextual()) {
                            out.add(t.get("content").asText());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            return List.of(); // the tokenizer files are optional here; the tokenizer loader reports their problems
        }
        out.removeIf(String::isBlank);
        return List.copyOf(out);
    }

    // ---- safetensors ----

    /** The tensors of one model, possibly across shards, with {@code __metadata__} aliases. */
    static final class Tensors {
        final Path where;
        final Map<String, StoredTensor> byName = new HashMap<>();
        final Map<String, String> alias = new HashMap<>();

        Tensors(Path where) {
            this.where = where;
        }

        StoredTensor find(String name) {
            StoredTensor t = byName.get(name);
            if (t == null && alias.containsKey(name)) t = byName.get(alias.get(name));
            return t;
        }

        StoredTensor get(String name) {
            StoredTensor t = find(name);
            if (t == null) throw Fail.at(where, "missing tensor " + name);
            return t;
        }

        void add(SafetensorsFile f) {
            for (StoredTensor t : f.tensors().values()) {
                if (byName.putIfAbsent(t.name(), t) != null) {
                    throw Fail.at(f.file(), "tensor " + t.name() + " also appears in " + byName.get(t.name()).file());
                }
            }
            alias.putAll(f.metadata());
        }
    }

    static Tensors openTensors(Path dir, Path weights, Arena arena) {
        Path w = weights;
        if (w == null) {
            if (Files.isRegularFile(dir.resolve(SINGLE))) w = dir.resolve(SINGLE);
            else if (Files.isRegularFile(dir.resolve(INDEX))) w = dir.resolve(INDEX);
            else {
                throw Fail.at(dir, "no model.safetensors or model.safetensors.index.json"
                        + (Files.exists(dir.resolve("pytorch_model.bin")) ? " (pytorch_model.bin is not supported)" : ""));
            }
        }
        Tensors tensors = new Tensors(w);
        if (!w.getFileName().toString().endsWith(".json")) {
            tensors.add(SafetensorsFile.parse(w, ModelLoader.map(w, arena)));
            return tensors;
        }
        JsonNode map = readJson(w).get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) throw Fail.at(w, "no weight_map");
        Map<String, String> where = new LinkedHashMap<>();
        for (var e : map.properties()) {
            if (!e.getValue().isTextual()) throw Fail.at(w, "weight_map entry " + e.getKey() + " is not a file name");
            where.put(e.getKey(), e.getValue().asText());
        }
        Path base = w.toAbsolutePath().getParent();
        for (String shard : new LinkedHashSet<>(where.values())) {
            Path p = base.resolve(shard).normalize();
            if (!p.startsWith(base) || !Files.isRegularFile(p)) throw Fail.at(w, "shard " + shard + " not found");
            tensors.add(SafetensorsFile.parse(w.resolveSibling(shard), ModelLoader.map(p, arena)));
        }
        for (var e : where.entrySet()) {
            StoredTensor t = tensors.byName.get(e.getKey());
            if (t == null || !t.file().getFileName().toString().equals(Path.of(e.getValue()).getFileName().toString())) {
                throw Fail.at(w, "weight_map puts " + e.getKey() + " in " + e.getValue() + ", which does not hold it");
            }
        }
        return tensors;
    }
}
