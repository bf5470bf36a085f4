package io.ringmem.model.loader;

import io.ringmem.TestData;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.RopeScaling;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hugging Face folders: config.json parsing, tied embeddings, shards, BF16, Llama-3 RoPE scaling. */
class HfLoaderTest {

    @Test
    void tinystories656k() {
        try (LoadedModel m = ModelLoader.load(TestData.tinystories656k(), null)) {
            assertEquals("safetensors", m.format());
            assertEquals(new ModelConfig(128, 384, 2, 8, 4, 16, 2048, 512, 1e-6f, 10000.0, RopeLayout.ROTATE_HALF, null),
                    m.config());
            assertSame(m.weights().embedding(), m.weights().output(), "lm_head.weight is the tied embedding table");
            assertNotNull(m.tokenizer());
            assertEquals(1, m.tokenizer().bos());
            assertEquals(2, m.tokenizer().eos());
            assertTrue(m.stopText().contains("<|end_story|>"), m.stopText().toString());
            LoaderAssertions.assertMapped(m.weights());
        }
    }

    @Test
    void tinystoriesViaItsSafetensorsFile() {
        try (LoadedModel dir = ModelLoader.load(TestData.tinystories656k(), null);
             LoadedModel file = ModelLoader.load(TestData.tinystories656k().resolve("model.safetensors"), null)) {
            assertEquals(dir.config(), file.config());
            LoaderAssertions.assertSameWeights(dir.weights(), file.weights());
        }
    }

    @Test
    void syntheticGqaTransformers5Config() {
        try (LoadedModel m = ModelLoader.load(TestData.syntheticGqa(), null)) {
            ModelConfig c = m.config();
            assertEquals(500000.0, c.ropeTheta(), "rope_parameters.rope_theta");
            assertNull(c.ropeScaling(), "rope_type default");
            assertEquals(8, c.heads());
            assertEquals(2, c.kvHeads());
            assertEquals(32, c.headDim());
            assertEquals(256, c.dim());
            assertEquals(688, c.hiddenDim());
            assertEquals(4, c.layers());
            assertEquals(1024, c.vocabSize());
            assertEquals(16384, c.maxPositions());
            assertEquals(1e-5f, c.normEps());
            assertEquals(RopeLayout.ROTATE_HALF, c.ropeLayout());
            assertNotSame(m.weights().embedding(), m.weights().output(), "untied");
            assertNull(m.tokenizer(), "the folder has no tokenizer");
            assertTrue(m.stopText().isEmpty());
        }
    }

    /** Copies tinystories-656k's tensors into a new folder, stored as {@code type}, in {@code shards} files. */
    static Path rewriteTinystories(Path dir, GgmlType type, int shards) throws IOException {
        Path src = TestData.tinystories656k();
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        try (Arena arena = Arena.ofConfined()) {
            Path f = src.resolve("model.safetensors");
            SafetensorsFile st = SafetensorsFile.parse(f, ModelLoader.map(f, arena));
            st.metadata().forEach(w::metadata);
            for (StoredTensor t : st.tensors().values()) {
                float[] v = Dequantize.toFloatArray(t.type(), t.data(), 0, (int) t.elements());
                w.add(t.name(), type, v, t.shape());
            }
        }
        if (shards == 1) w.write(dir.resolve("model.safetensors"));
        else w.writeSharded(dir, shards);
        for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    @Test
    void shardedCopyIsBitIdentical(@TempDir Path dir) throws IOException {
        rewriteTinystories(dir, GgmlType.F32, 2);
        assertTrue(Files.exists(dir.resolve("model-00002-of-00002.safetensors")));
        assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
        try (LoadedModel orig = ModelLoader.load(TestData.tinystories656k(), null);
             LoadedModel copy = ModelLoader.load(dir, null)) {
            assertEquals(orig.config(), copy.config());
            LoaderAssertions.assertSameWeights(orig.weights(), copy.weights());
            assertSame(copy.weights().embedding(), copy.weights().output());
            LoaderAssertions.assertMapped(copy.weights());
        }
    }

    @Test
    void bf16CopyIsWithinBf16Rounding(@TempDir Path dir) throws IOException {
        rewriteTinystories(dir, GgmlType.BF16, 1);
        try (LoadedModel orig = ModelLoader.load(TestData.tinystories656k(), null);
             LoadedModel copy = ModelLoader.load(dir, null)) {
            assertEquals(orig.config(), copy.config());
            List<Matrix> a = LoaderAssertions.matrices(orig.weights());
            List<Matrix> b = LoaderAssertions.matrices(copy.weights());
            for (int i = 0; i < a.size(); i++) {
                float[] x = a.get(i).toArray();
                float[] y = b.get(i).toArray();
                for (int j = 0; j < x.length; j++) {
                    // round-to-nearest bf16 keeps 8 significant bits: relative error <= 2^-8
                    assertTrue(Math.abs(x[j] - y[j]) <= Math.abs(x[j]) * 0x1p-8f, "matrix " + i + " element " + j);
                    assertEquals(Dequantize.bf16ToFloat(Dequantize.floatToBf16(x[j])), y[j]);
                }
            }
            float[] n0 = orig.weights().finalNorm();
            float[] n1 = copy.weights().finalNorm();
            for (int j = 0; j < n0.length; j++) assertEquals(n0[j], n1[j], Math.abs(n0[j]) * 0x1p-8f);
            LoaderAssertions.assertOffHeap(copy.weights());
        }
    }

    @Test
    void f16CopyIsWithinF16Rounding(@TempDir Path dir) throws IOException {
        rewriteTinystories(dir, GgmlType.F16, 3);
        try (LoadedModel orig = ModelLoader.load(TestData.tinystories656k(), null);
             LoadedModel copy = ModelLoader.load(dir, null)) {
            float[] x = orig.weights().layers().get(1).w2().toArray();
            float[] y = copy.weights().layers().get(1).w2().toArray();
            for (int j = 0; j < x.length; j++) assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[j])), y[j]);
        }
    }

    private static Path writeConfig(Path dir, String extra) throws IOException {
        String json = """
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 32,
                 "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
                 "tie_word_embeddings": true%s}
                """.formatted(extra);
        Files.writeString(dir.resolve("config.json"), json);
        return dir.resolve("config.json");
    }

    /** A tiny random model folder matching {@link #writeConfig}. */
    private static void writeTinyWeights(Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        IntFunction<float[]> rnd = n -> {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
            return v;
        };
        w.add("model.embed_tokens.weight", GgmlType.F32, rnd.apply(32 * 64), 32, 64);
        w.add("model.norm.weight", GgmlType.F32, rnd.apply(64), 64);
        String p = "model.layers.0.";
        w.add(p + "input_layernorm.weight", GgmlType.F32, rnd.apply(64), 64);
        w.add(p + "post_attention_layernorm.weight", GgmlType.F32, rnd.apply(64), 64);
        w.add(p + "self_attn.q_proj.weight", GgmlType.F32, rnd.apply(64 * 64), 64, 64);
        w.add(p + "self_attn.k_proj.weight", GgmlType.F32, rnd.apply(32 * 64), 32, 64);
        w.add(p + "self_attn.v_proj.weight", GgmlType.F32, rnd.apply(32 * 64), 32, 64);
        w.add(p + "self_attn.o_proj.weight", GgmlType.F32, rnd.apply(64 * 64), 64, 64);
        w.add(p + "mlp.gate_proj.weight", GgmlType.F32, rnd.apply(96 * 64), 96, 64);
        w.add(p + "mlp.up_proj.weight", GgmlType.F32, rnd.apply(96 * 64), 96, 64);
        w.add(p + "mlp.down_proj.weight", GgmlType.F32, rnd.apply(96 * 64), 64, 96);
        w.write(dir.resolve("model.safetensors"));
    }

    @Test
    void llama3RopeScalingFromRopeScaling(@TempDir Path dir) throws IOException {
        writeConfig(dir, """
                , "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                   "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}""");
        writeTinyWeights(dir);
        try (LoadedModel m = ModelLoader.load(dir, null)) {
            assertEquals(new RopeScaling(8.0, 1.0, 4.0, 8192), m.config().ropeScaling());
            assertEquals(500000.0, m.config().ropeTheta());
            assertEquals(131072, m.config().maxPositions());
            assertEquals(16, m.config().headDim());
            assertSame(m.weights().embedding(), m.weights().output());
            assertNull(m.tokenizer());
        }
    }

    @Test
    void llama3RopeScalingFromTransformers5RopeParameters(@TempDir Path dir) throws IOException {
        Path cfg = writeConfig(dir, "");
        String json = Files.readString(cfg).replace("\"rope_theta\": 500000.0", """
                "rope_parameters": {"rope_type": "llama3", "rope_theta": 250000.0, "factor": 32.0,
                   "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}""");
        Files.writeString(cfg, json);
        writeTinyWeights(dir);
        try (LoadedModel m = ModelLoader.load(dir.resolve("config.json"), null)) {
            assertEquals(new RopeScaling(32.0, 1.0, 4.0, 8192), m.config().ropeScaling());
            assertEquals(250000.0, m.config().ropeTheta());
        }
    }

    @Test
    void eosTextFromConfigIdsWhenTokenizerConfigIsMissing(@TempDir Path dir) throws IOException {
        writeConfig(dir, ", \"eos_token_id\": 2");
        writeTinyWeights(dir);
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"added_tokens": [{"id": 2, "content": "<|end|>", "special": true}],
                 "model": {"type": "BPE", "vocab": {"<unk>": 0, "a": 1, "<|end|>": 2}, "merges": []}}""");
        try (Arena arena = Arena.ofConfined()) {
            GgufLoader.Parts p = HfLoader.load(dir, null, arena, false);
            assertEquals(List.of("<|end|>"), p.stopText());
        }
    }

    @Test
    void weightsCheckedAgainstExpectedValues(@TempDir Path dir) throws IOException {
        writeConfig(dir, "");
        writeTinyWeights(dir);
        try (LoadedModel m = ModelLoader.load(dir, null); Arena arena = Arena.ofConfined()) {
            Path f = dir.resolve("model.safetensors");
            SafetensorsFile st = SafetensorsFile.parse(f, ModelLoader.map(f, arena));
            StoredTensor down = st.tensors().get("model.layers.0.mlp.down_proj.weight");
            assertArrayEquals(Dequantize.toFloatArray(down.type(), down.data(), 0, 64 * 96),
                    m.weights().layers().get(0).w2().toArray());
            assertEquals(64, m.weights().layers().get(0).w2().rows());
            assertEquals(96, m.weights().layers().get(0).w2().cols());
        }
    }
}
