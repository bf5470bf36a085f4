package io.ringmem.model.loader;

import io.ringmem.model.LoadedModel;
import io.ringmem.tokenizer.Gpt2ByteBpe;
import io.ringmem.tokenizer.SentencePieceBpe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokenizers built from GGUF metadata ({@code tokenizer.ggml.model} llama and gpt2). */
class GgufTokenizerTest {

    /** A GGUF with the tiny model's shapes except a vocabulary of {@code tokens.length} rows. */
    private static GgufWriter withVocab(String[] tokens) {
        TinyGgufModel tiny = new TinyGgufModel(11, false);
        float[] emb = new float[tokens.length * TinyGgufModel.DIM];
        for (int i = 0; i < emb.length; i++) emb[i] = i * 1e-4f;
        tiny.tensors.put("token_embd.weight", new TinyGgufModel.Tensor(emb, new long[]{tokens.length, TinyGgufModel.DIM}));
        return tiny.writer(GgmlType.F16).strings("tokenizer.ggml.tokens", tokens);
    }

    @Test
    void sentencePieceVocabulary(@TempDir Path dir) throws IOException {
        List<String> t = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) t.add(String.format("<0x%02X>", b));
        t.addAll(List.of("▁", "a", "b", "▁a", "▁b", "▁ab"));
        String[] tokens = t.toArray(String[]::new);
        float[] scores = new float[tokens.length];
        int[] types = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;
            scores[i] = i < 259 ? 0 : -i;
        }
        scores[tokens.length - 1] = 0; // "▁ab" wins
        Path file = dir.resolve("spm.gguf");
        withVocab(tokens).string("tokenizer.ggml.model", "llama").floats("tokenizer.ggml.scores", scores)
                .int32s("tokenizer.ggml.token_type", types).uint32("tokenizer.ggml.bos_token_id", 1)
                .uint32("tokenizer.ggml.eos_token_id", 2).uint32("tokenizer.ggml.unknown_token_id", 0)
                .uint32("tokenizer.ggml.padding_token_id", 0xFFFFFFFFL).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertEquals(tokens.length, m.config().vocabSize());
            assertInstanceOf(SentencePieceBpe.class, m.tokenizer());
            assertEquals(1, m.tokenizer().bos());
            assertEquals(2, m.tokenizer().eos());
            int[] ids = m.tokenizer().encode("ab b");
            assertArrayEquals(new int[]{tokens.length - 1, t.indexOf("▁b")}, ids);
            assertEquals("ab b", m.tokenizer().decode(ids));
            assertEquals(List.of("</s>"), m.stopText());
        }
    }

    /** GPT-2's byte → printable character table. */
    private static String[] byteSymbols() {
        List<Integer> bs = new ArrayList<>();
        for (int c = '!'; c <= '~'; c++) bs.add(c);
        for (int c = 0xA1; c <= 0xAC; c++) bs.add(c);
        for (int c = 0xAE; c <= 0xFF; c++) bs.add(c);
        String[] out = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            out[b] = bs.contains(b) ? String.valueOf((char) b) : String.valueOf((char) (256 + n++));
        }
        return out;
    }

    @Test
    void gpt2Vocabulary(@TempDir Path dir) throws IOException {
        List<String> t = new ArrayList<>(List.of(byteSymbols()));
        t.add("ab");
        t.add("Ġab");
        t.add("<|eot|>");
        String[] tokens = t.toArray(String[]::new);
        int[] types = new int[tokens.length];
        Arrays.fill(types, 1);
        types[tokens.length - 1] = 3;
        Path file = dir.resolve("bpe.gguf");
        withVocab(tokens).string("tokenizer.ggml.model", "gpt2").strings("tokenizer.ggml.merges", "a b", "Ġ ab")
                .int32s("tokenizer.ggml.token_type", types).uint32("tokenizer.ggml.eos_token_id", tokens.length - 1)
                .bool("tokenizer.ggml.add_bos_token", false).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertInstanceOf(Gpt2ByteBpe.class, m.tokenizer());
            assertEquals(tokens.length - 1, m.tokenizer().eos());
            assertEquals(-1, m.tokenizer().bos());
            int[] ids = m.tokenizer().encode("ab ab");
            assertArrayEquals(new int[]{256, 257}, ids);
            assertEquals("ab ab", m.tokenizer().decode(ids));
            assertEquals(List.of("<|eot|>"), m.stopText());
        }
    }

    @Test
    void noTokenizerMetadataMeansNoTokenizer(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bare.gguf");
        new TinyGgufModel(12, true).writer(GgmlType.BF16).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertEquals(null, m.tokenizer());
            assertTrue(m.stopText().isEmpty());
        }
    }
}
