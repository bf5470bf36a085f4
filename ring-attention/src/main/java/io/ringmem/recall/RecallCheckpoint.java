package io.ringmem.recall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the recall checkpoint: a Hugging Face Llama folder ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}, {@code tokenizer_config.json}) plus {@code recall.json}, which names the token sets and
 * the margins. The weights are analytic ({@link RecallWeights}); the margins are recomputed from the float weights
 * ({@link RecallMargins}) and the generator refuses a context for which they fail.
 */
public final class RecallCheckpoint {
    /** γ: the answer logit at full attention on the needle (the answer's NLL is then below 1e-7). */
    public static final double GAMMA = 24.0;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RecallCheckpoint() {
    }

    /** The weights and margins for context {@code c} and {@code seed}, without writing anything. */
    public static Built build(int c, long seed) {
        RecallShape shape = new RecallShape(c);
        RecallVocabulary vocab = new RecallVocabulary(seed);
        PreviousTokenDesign design = PreviousTokenDesign.forContext(shape.contextTokens());
        double overlap = vocab.maxDistractorOverlap();
        if (overlap > 0.9) {
            throw new RingmemException("seed " + seed + " draws a distractor within " + String.format("%.3f", overlap)
                    + " of a key (limit 0.9): choose another --seed");
        }
        double beta = (Math.log(c) + RecallMargins.SAFETY + 1) / (1 - overlap);
        Map<String, NamedTensor> tensors = new RecallWeights(design, beta, GAMMA).build(vocab);
        RecallMargins m = RecallMargins.of(tensors, vocab, c);
        if (!m.hold()) {
            throw new RingmemException(String.format("the recall model's margins fail at context %d (previous-token %.2f, need ≥ %.2f;"
                            + " induction %.2f, need ≥ %.1f): choose a smaller --context", c, m.previousTokenMargin(),
                    Math.log(c) + RecallMargins.SAFETY, m.inductionMargin(), RecallMargins.SAFETY));
        }
        return new Built(shape, vocab, design, tensors, m, seed);
    }

    /** A built checkpoint. */
    public record Built(RecallShape shape, RecallVocabulary vocab, PreviousTokenDesign design, Map<String, NamedTensor> tensors,
                        RecallMargins margins, long seed) {
    }

    /** Builds and writes into {@code dir} (created if absent); returns what was written. */
    public static Built write(Path dir, int c, long seed) {
        Built b = build(c, seed);
        try {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), b.tensors().values());
            JSON.writeValue(dir.resolve("config.json").toFile(), config(b.shape()));
            JSON.writeValue(dir.resolve("tokenizer.json").toFile(), RecallTokenizerJson.tokenizer());
            JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), RecallTokenizerJson.tokenizerConfig());
            JSON.writeValue(dir.resolve("recall.json").toFile(), recall(b));
        } catch (IOException e) {
            throw new RingmemException("cannot write the recall model to " + dir + ": " + e.getMessage(), e);
        }
        return b;
    }

    static Map<String, Object> config(RecallShape s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("model_type", "llama");
        c.put("hidden_size", RecallShape.DIM);
        c.put("intermediate_size", RecallShape.FFN);
        c.put("num_hidden_layers", RecallShape.LAYERS);
        c.put("num_attention_heads", RecallShape.HEADS);
        c.put("num_key_value_heads", RecallShape.KV_HEADS);
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", (double) RecallShape.NORM_EPS);
        c.put("rope_theta", RecallShape.ROPE_THETA);
        c.put("max_position_embeddings", s.contextTokens());
        c.put("vocab_size", RecallShape.vocabSize());
        c.put("bos_token_id", RecallVocabulary.BOS);
        c.put("eos_token_id", RecallVocabulary.EOS);
        c.put("tie_word_embeddings", false);
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("torch_dtype", "float32");
        return c;
    }

    static Map<String, Object> recall(Built b) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("description", "analytic associative-recall checkpoint (docs/recall-model.md): after 'K_i V_j' anywhere in the"
                + " document, the query K_i is followed by V_j");
        r.put("seed", b.seed());
        r.put("contextTokens", b.shape().contextTokens());
        r.put("bos", RecallVocabulary.BOS);
        r.put("eos", RecallVocabulary.EOS);
        r.put("unk", RecallVocabulary.UNK);
        r.put("keys", range(RecallVocabulary.FIRST_KEY, RecallShape.KEYS));
        r.put("values", range(RecallVocabulary.FIRST_VALUE, RecallShape.VALUES));
        r.put("fillers", range(RecallVocabulary.FIRST_FILLER, RecallShape.FILLERS));
        r.put("distractors", range(RecallVocabulary.FIRST_DISTRACTOR, RecallShape.DISTRACTORS));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pairs", b.design().pairs());
        d.put("w", b.design().w());
        d.put("scale", b.design().scale());
        d.put("relativeMargin", b.design().rho());
        r.put("previousTokenHead", d);
        r.put("margins", b.margins());
        return r;
    }

    private static Map<String, Integer> range(int first, int count) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("first", first);
        m.put("count", count);
        return m;
    }
}
