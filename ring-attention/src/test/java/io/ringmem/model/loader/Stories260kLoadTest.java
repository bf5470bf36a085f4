package io.ringmem.model.loader;

import io.ringmem.TestData;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stories260K as a llama2.c checkpoint and as GGUF: the same weights bit for bit, the same config. */
class Stories260kLoadTest {

    @Test
    void binAndGgufHaveIdenticalWeightsAndConfig() {
        try (LoadedModel bin = ModelLoader.load(TestData.stories260kBin(), null);
             LoadedModel gguf = ModelLoader.load(TestData.stories260kGguf(), null)) {
            assertEquals("llama2c", bin.format());
            assertEquals("gguf", gguf.format());
            ModelConfig b = bin.config();
            assertEquals(new ModelConfig(64, 172, 5, 8, 4, 8, 512, 512, 1e-5f, 10000.0, RopeLayout.ADJACENT_PAIRS, null), b);
            assertEquals(128, gguf.config().maxPositions(), "the GGUF header says 128");
            ModelConfig g = gguf.config();
            assertEquals(b, new ModelConfig(g.dim(), g.hiddenDim(), g.layers(), g.heads(), g.kvHeads(), g.headDim(),
                    g.vocabSize(), b.maxPositions(), g.normEps(), g.ropeTheta(), g.ropeLayout(), g.ropeScaling()));
            LoaderAssertions.assertSameWeights(bin.weights(), gguf.weights());
            assertSame(bin.weights().embedding(), bin.weights().output(), "llama2.c with positive vocab is tied");
            assertNotSame(gguf.weights().embedding(), gguf.weights().output(), "the GGUF stores output.weight");
            assertNotNull(bin.tokenizer(), "tok512.bin beside the checkpoint is found");
            assertNotNull(gguf.tokenizer(), "tokenizer from GGUF metadata");
            assertEquals(512, bin.tokenizer().vocabSize());
            assertEquals(1, gguf.tokenizer().bos());
            assertEquals(2, gguf.tokenizer().eos());
            assertArrayEquals(bin.tokenizer().encode("Once upon a time"), gguf.tokenizer().encode("Once upon a time"));
            assertTrue(bin.stopText().isEmpty());
        }
    }

    @Test
    void f32WeightsAreUsedInPlaceFromTheMapping() {
        try (LoadedModel gguf = ModelLoader.load(TestData.stories260kGguf(), null);
             LoadedModel bin = ModelLoader.load(TestData.stories260kBin(), null)) {
            LoaderAssertions.assertMapped(gguf.weights());
            LoaderAssertions.assertMapped(bin.weights());
        }
    }

    @Test
    void closingReleasesTheWeights() {
        LoadedModel m = ModelLoader.load(TestData.stories260kGguf(), null);
        var emb = m.weights().embedding();
        assertEquals(emb.get(3, 5), emb.toArray()[3 * 64 + 5]);
        m.close();
        assertThrows(IllegalStateException.class, () -> emb.get(0, 0));
    }

    @Test
    void explicitTokenizerOverridesAndBinWithoutTokenizerIsAllowed(@TempDir Path dir)
            throws Exception {
        Path copy = dir.resolve("model.bin");
        Files.copy(TestData.stories260kBin(), copy);
        try (LoadedModel m = ModelLoader.load(copy, null)) {
            assertNull(m.tokenizer(), "no tokenizer beside the copy");
        }
        try (LoadedModel m = ModelLoader.load(copy, TestData.stories260kTokenizer())) {
            assertNotNull(m.tokenizer());
            assertEquals(512, m.tokenizer().vocabSize());
        }
        try (LoadedModel m = ModelLoader.load(TestData.stories260kGguf(), TestData.stories260kTokenizer())) {
            assertEquals(m.tokenizer().decode(m.tokenizer().encode("a big dog")), "a big dog");
        }
    }
}
