package io.ringmem.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.loader.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make-random-model's writer: the GGUF loads in Ringmem with the asked shapes, vocabulary and weights. */
class RandomLlamaWriterTest {
    @TempDir
    Path dir;

    private static RandomLlamaSpec spec(RandomLlamaSpec.Format f) {
        return new RandomLlamaSpec(300, 64, 2, 4, 2, 96, 512, 7, f);
    }

    @Test
    void f32LoadsWithShapesVocabularyAndExactWeights() throws Exception {
        RandomLlamaWriter w = new RandomLlamaWriter(spec(RandomLlamaSpec.Format.F32));
        Path file = dir.resolve("m.gguf");
        w.writeGguf(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            ModelConfig c = m.config();
            assertEquals(64, c.dim());
            assertEquals(96, c.hiddenDim());
            assertEquals(2, c.layers());
            assertEquals(4, c.heads());
            assertEquals(2, c.kvHeads());
            assertEquals(16, c.headDim());
            assertEquals(300, c.vocabSize());
            assertEquals(512, c.maxPositions());
            // tensor 0 is token_embd, tensor 2 blk.0.attn_q, the last one output: values as written
            assertArrayEquals(w.values(0), m.weights().embedding().toArray());
            assertArrayEquals(w.values(2), m.weights().layers().get(0).wq().toArray());
            assertArrayEquals(w.values(w.ggufNames().size() - 1), m.weights().output().toArray());
            assertEquals(1f, m.weights().finalNorm()[5]);
            // the synthetic SentencePiece vocabulary: BOS first, then pieces (or byte fallback), all in range
            int[] ids = m.tokenizer().encode("abc zz");
            assertTrue(ids.length >= 1);
            for (int id : ids) assertTrue(id >= 0 && id < 300, "id " + id);
            assertEquals(1, m.tokenizer().bos());
        }
    }

    @Test
    void quantizedFormatsLoadWithinTheirBlockError() throws Exception {
        for (RandomLlamaSpec.Format f : new RandomLlamaSpec.Format[] {RandomLlamaSpec.Format.Q8_0, RandomLlamaSpec.Format.Q4_0}) {
            RandomLlamaWriter w = new RandomLlamaWriter(spec(f));
            Path file = dir.resolve(f.lower() + ".gguf");
            w.writeGguf(file);
            try (LoadedModel m = ModelLoader.load(file, null)) {
                float[] want = w.values(2), got = m.weights().layers().get(0).wq().toArray();
                // weights are N(0, 0.02²): |w| < 0.12 here; Q8_0 errs by at most amax/254 per block, Q4_0 by amax/16
                double tol = f == RandomLlamaSpec.Format.Q8_0 ? 0.12 / 254 * 1.01 : 0.12 / 16 * 1.01;
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol, f + " element " + i);
            }
        }
    }

    @Test
    void q4kFileHasK_QuantTensorsOfTheRightSize() throws Exception {
        RandomLlamaSpec s = new RandomLlamaSpec(300, 256, 1, 1, 1, 256, 64, 3, RandomLlamaSpec.Format.Q4_K);
        Path file = dir.resolve("q4k.gguf");
        new RandomLlamaWriter(s).writeGguf(file);
        // 2-D weights as Q4_K (144 bytes per 256 values), norms F32: the file holds at least that much
        long q4k = (s.parameters() - 3L * 256) / 256 * 144;
        assertTrue(Files.size(file) >= q4k + 3L * 256 * 4, "size " + Files.size(file));
        // the loader keeps the 2-D weights as Q4_K blocks; the reference decode is within Q4_K's block error
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertEquals("Q4_K", m.weights().layers().get(0).wq().format().name());
            RandomLlamaWriter w = new RandomLlamaWriter(s);
            float[] want = w.values(2), got = m.weights().layers().get(0).wq().toArray();
            float range = 0;
            for (float v : want) range = Math.max(range, Math.abs(v));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 0.14f * range, "wq[" + i + "]");
            }
        }
    }

    @Test
    void hfFolderHasConfigSafetensorsAndTokenizer() throws Exception {
        RandomLlamaSpec s = spec(RandomLlamaSpec.Format.F32);
        RandomLlamaWriter w = new RandomLlamaWriter(s);
        Path hf = dir.resolve("hf");
        w.writeHfFolder(hf);
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(hf.resolve("config.json").toFile());
        assertEquals(64, config.get("hidden_size").asInt());
        assertEquals(2, config.get("num_key_value_heads").asInt());
        assertEquals(300, json.readTree(hf.resolve("tokenizer.json").toFile()).get("model").get("vocab").size());
        byte[] st = Files.readAllBytes(hf.resolve("model.safetensors"));
        long headerLen = ByteBuffer.wrap(st, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(8 + headerLen + 4 * s.parameters(), st.length);
        JsonNode header = json.readTree(new String(st, 8, (int) headerLen, StandardCharsets.UTF_8));
        JsonNode q = header.get("model.layers.0.self_attn.q_proj.weight");
        assertEquals("F32", q.get("dtype").asText());
        int start = 8 + (int) headerLen + q.get("data_offsets").get(0).asInt();
        assertEquals(w.values(2)[0], ByteBuffer.wrap(st, start, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void badShapesAreOneLineErrors() {
        RingmemException e = assertThrows(RingmemException.class,
                () -> new RandomLlamaSpec(300, 80, 2, 4, 2, 96, 512, 7, RandomLlamaSpec.Format.Q8_0));
        assertTrue(e.getMessage().contains("multiples of 32"), e.getMessage());
        assertThrows(RingmemException.class, () -> new RandomLlamaSpec(100, 64, 2, 4, 2, 96, 512, 7, RandomLlamaSpec.Format.F32));
        assertThrows(RingmemException.class, () -> new RandomLlamaSpec(300, 64, 2, 4, 3, 96, 512, 7, RandomLlamaSpec.Format.F32));
        assertThrows(RingmemException.class, () -> RandomLlamaSpec.Format.parse("q5_1"));
    }

    @Test
    void vocabularyIsDistinctAndTyped() {
        SpmVocab v = new SpmVocab(2000);
        assertEquals(2000, Set.of(v.tokens()).size());
        assertEquals("<0x41>", v.tokens()[3 + 0x41]);
        assertEquals(SpmVocab.BYTE, v.types()[100]);
        assertEquals("\u2581a", v.tokens()[SpmVocab.FIRST_PIECE]);
        assertEquals("aa", SpmVocab.word(27));
    }
}
