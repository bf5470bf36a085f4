package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelWeights;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional {@code ringmem.memory_tokens} tensor in Hugging Face folders and GGUF files. */
class MemoryTokensLoaderTest {
    private static final int M = 3;

    private static float[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** tinystories-656k's tensors plus {@code extra} tensors, written as one safetensors file in {@code dir}. */
    private static Path tinystoriesWith(Path dir, SafetensorsTestWriter w) throws IOException {
        Path src = TestData.tinystories656k();
        try (Arena arena = Arena.ofConfined()) {
            Path f = src.resolve("model.safetensors");
            SafetensorsFile st = SafetensorsFile.parse(f, ModelLoader.map(f, arena));
            st.metadata().forEach(w::metadata);
            for (StoredTensor t : st.tensors().values()) {
                w.add(t.name(), GgmlType.F32, Dequantize.toFloatArray(t.type(), t.data(), 0, (int) t.elements()), t.shape());
            }
        }
        w.write(dir.resolve("model.safetensors"));
        for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    @Test
    void absentMeansNone() {
        try (LoadedModel m = ModelLoader.load(TestData.tinystories656k(), null)) {
            assertNull(m.weights().memoryTokens());
        }
    }

    @Test
    void safetensorsF32AndBf16(@TempDir Path tmp) throws IOException {
        int dim = 128; // tinystories-656k's width
        float[] mem = values(M * dim, 1);
        for (GgmlType type : List.of(GgmlType.F32, GgmlType.BF16)) {
            Path dir = Files.createDirectory(tmp.resolve(type.name()));
            tinystoriesWith(dir, new SafetensorsTestWriter().add(ModelWeights.MEMORY_TOKENS, type, mem, M, dim));
            try (LoadedModel m = ModelLoader.load(dir, null)) {
                Matrix got = m.weights().memoryTokens();
                assertNotNull(got, type.name());
                assertEquals(M, got.rows());
                assertEquals(dim, got.cols());
                float[] v = got.toArray();
                for (int i = 0; i < mem.length; i++) {
                    assertEquals(mem[i], v[i], type == GgmlType.F32 ? 0f : Math.abs(mem[i]) / 128 + 1e-6f, type + " value " + i);
                }
            }
        }
    }

    @Test
    void safetensorsWrongShapeNamesTheTensor(@TempDir Path dir) throws IOException {
        tinystoriesWith(dir, new SafetensorsTestWriter().add(ModelWeights.MEMORY_TOKENS, GgmlType.F32, values(M * 100, 2), M, 100));
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(dir, null).close());
        assertTrue(e.getMessage().contains(ModelWeights.MEMORY_TOKENS) && e.getMessage().contains("[3, 100]"), e.getMessage());
    }

    @Test
    void ggufF16(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(3, false);
        float[] mem = values(M * TinyGgufModel.DIM, 4);
        Path file = dir.resolve("mem.gguf");
        tiny.writer(GgmlType.F32).tensor(ModelWeights.MEMORY_TOKENS, GgmlType.F16, mem, M, TinyGgufModel.DIM).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            Matrix got = m.weights().memoryTokens();
            assertEquals(M, got.rows());
            assertEquals(TinyGgufModel.DIM, got.cols());
            float[] v = got.toArray();
            for (int i = 0; i < mem.length; i++) assertEquals(mem[i], v[i], Math.abs(mem[i]) / 1024 + 1e-4f, "value " + i);
        }
        Path plain = dir.resolve("plain.gguf");
        tiny.writer(GgmlType.F32).write(plain);
        try (LoadedModel m = ModelLoader.load(plain, null)) {
            assertNull(m.weights().memoryTokens());
        }
    }

    @Test
    void ggufWrongShapeNamesTheTensor(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(3, false);
        Path file = dir.resolve("bad.gguf");
        tiny.writer(GgmlType.F32).tensor(ModelWeights.MEMORY_TOKENS, GgmlType.F32, values(TinyGgufModel.DIM, 5), TinyGgufModel.DIM)
                .write(file);
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(file, null).close());
        assertTrue(e.getMessage().contains(ModelWeights.MEMORY_TOKENS) && e.getMessage().contains("expected [M, 64]"), e.getMessage());
    }

    @Test
    void weightsValidateTheMemoryWidth() {
        try (LoadedModel m = ModelLoader.load(TestData.tinystories656k(), null)) {
            ModelWeights bad = m.weights().withMemoryTokens(Matrix.of(values(M * 8, 6), M, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.validate(m.config()));
            assertTrue(e.getMessage().contains(ModelWeights.MEMORY_TOKENS), e.getMessage());
            assertArrayEquals(m.weights().finalNorm(), bad.finalNorm());
        }
    }
}
