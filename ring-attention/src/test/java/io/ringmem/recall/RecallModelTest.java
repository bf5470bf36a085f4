package io.ringmem.recall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recall checkpoint written at context 4096, loaded through Ringmem's HF loader and run by the real forward pass
 * (exact attention, 2 ranks): every needle recalled at 512 / 2048 / 4096 tokens, distractor levels 0 and 1, seeded
 * random depths; the margins of recall.json hold; the answer NLL is below 1e-4 nats.
 */
class RecallModelTest {
    private static final int CONTEXT = 4096;
    @TempDir
    static Path dir;
    private static RecallCheckpoint.Built built;
    private static LoadedModel loaded;
    private static Kernels kernels;

    @BeforeAll
    static void write() {
        built = RecallCheckpoint.write(dir, CONTEXT, 7);
        loaded = ModelLoader.load(dir, null);
        kernels = KernelsFactory.byName("vector", 2);
    }

    @AfterAll
    static void close() {
        loaded.close();
        kernels.close();
    }

    @Test
    void marginsHoldAsClaimed() {
        RecallMargins m = built.margins();
        assertTrue(m.hold(), m.toString());
        assertTrue(m.previousTokenMargin() >= Math.log(CONTEXT) + 8, "previous-token margin " + m.previousTokenMargin());
        assertTrue(m.previousTokenLeak() <= Math.exp(-8), "leak " + m.previousTokenLeak());
        assertTrue(m.inductionMargin() >= 8, "induction margin " + m.inductionMargin());
        assertTrue(m.answerNllBound() < 1e-4, "answer NLL bound " + m.answerNllBound());
        assertTrue(m.plainLogit() < m.distractorLogit());
    }

    @Test
    void recallsEveryNeedleWithExactAttention() {
        LlamaModel model = new LlamaModel(loaded.config(), loaded.weights(), kernels);
        Scorer scorer = new Scorer(model, RunConfig.of(2, ShardSchedule.ZIGZAG));
        int docs = 0;
        for (int length : new int[]{512, 2048, CONTEXT}) {
            for (double level : new double[]{0, 1}) {
                long seed = length * 31L + (long) (level * 7);
                RecallDocument d = RecallDocument.of(length, 8, RecallDocument.randomDepths(8, seed), level, seed);
                Set<Integer> keep = new HashSet<>();
                for (int q : d.queries()) keep.add(q);
                ScoreResult r = scorer.score(d.ids(), keep);
                for (int i = 0; i < d.queries().length; i++) {
                    int q = d.queries()[i];
                    String where = "length " + length + " level " + level + " needle at " + d.needles()[i];
                    assertEquals(d.answer(i), r.argmax()[q], where);
                    double nll = LogProbs.nll(r.logits().get(q), 0, loaded.config().vocabSize(), d.answer(i));
                    assertTrue(nll < 1e-4, where + ": answer NLL " + nll);
                }
                docs++;
            }
        }
        assertEquals(6, docs);
    }

    @Test
    void configAndTensorNamesAreStandardHfLlama() throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("LlamaForCausalLM", c.get("architectures").get(0).asText());
        assertEquals("llama", c.get("model_type").asText());
        for (String k : new String[]{"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "rms_norm_eps", "rope_theta", "max_position_embeddings", "vocab_size", "bos_token_id",
                "eos_token_id", "tie_word_embeddings", "torch_dtype"}) {
            assertTrue(c.has(k), "config.json lacks " + k);
        }
        assertEquals(CONTEXT, c.get("max_position_embeddings").asInt());
        assertEquals(1e20, c.get("rope_theta").asDouble());
        byte[] st = Files.readAllBytes(dir.resolve("model.safetensors"));
        long n = ByteBuffer.wrap(st, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(st, 8, (int) n, StandardCharsets.UTF_8));
        Set<String> expected = new HashSet<>(Set.of("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"));
        for (int l = 0; l < 2; l++) {
            for (String s : new String[]{"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm"}) {
                expected.add("model.layers." + l + "." + s + ".weight");
            }
        }
        Set<String> names = new HashSet<>();
        header.fieldNames().forEachRemaining(names::add);
        names.remove("__metadata__");
        assertEquals(expected, names);
        assertEquals("F32", header.get("lm_head.weight").get("dtype").asText());
        assertEquals(RecallShape.vocabSize(), loaded.config().vocabSize());
        assertEquals(CONTEXT, loaded.config().maxPositions());
    }

    @Test
    void tokenizerRoundTrips() {
        var t = loaded.tokenizer();
        int[] ids = t.encode("K3 V7 f0 d255 K63");
        assertEquals(5, ids.length);
        assertEquals(RecallVocabulary.key(3), ids[0]);
        assertEquals(RecallVocabulary.value(7), ids[1]);
        assertEquals(RecallVocabulary.FIRST_FILLER, ids[2]);
        assertEquals(RecallVocabulary.FIRST_DISTRACTOR + 255, ids[3]);
        assertEquals("K3 V7 f0 d255 K63", t.decode(ids));
        assertEquals(RecallVocabulary.BOS, t.bos());
        assertEquals(RecallVocabulary.EOS, t.eos());
        assertTrue(t.addBos());
        assertEquals(RecallVocabulary.UNK, t.encode("nope")[0]);
    }
}
