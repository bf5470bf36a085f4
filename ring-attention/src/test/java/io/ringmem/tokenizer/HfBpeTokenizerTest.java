package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;
import io.ringmem.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tinystories-656k tokenizer.json against ids computed by Hugging Face transformers. */
class HfBpeTokenizerTest {
    static HfBpeTokenizer tinyStories() {
        Path dir = TestData.tinystories656k();
        return HfBpeTokenizer.fromFile(dir.resolve("tokenizer.json"), dir.resolve("tokenizer_config.json"));
    }

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(TestData.reference().toFile());
    }

    @Test
    void specialIdsFromConfig() {
        HfBpeTokenizer t = tinyStories();
        assertEquals(2048, t.vocabSize());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos());
        assertTrue(t.addBos());
    }

    @Test
    void withoutConfigBosComesFromThePostProcessor(@TempDir Path dir) {
        Path json = TestData.tinystories656k().resolve("tokenizer.json");
        for (Path config : new Path[] {null, dir.resolve("absent.json")}) {
            HfBpeTokenizer t = HfBpeTokenizer.fromFile(json, config);
            assertEquals(1, t.bos());
            assertTrue(t.addBos());
        }
    }

    @Test
    void encodeMatchesTransformersReference() throws IOException {
        HfBpeTokenizer t = tinyStories();
        JsonNode cases = reference().get("tokenizer656");
        assertTrue(cases.size() >= 6);
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] ref = new int[c.get("ids").size()];
            for (int i = 0; i < ref.length; i++) ref[i] = c.get("ids").get(i).asInt();
            // the reference comes from transformers with add_special_tokens, so it starts with BOS; encode() never adds it
            assertEquals(t.bos(), ref[0], text);
            int[] expected = Arrays.copyOfRange(ref, 1, ref.length);
            assertArrayEquals(expected, t.encode(text), text);
            if (Arrays.stream(expected).noneMatch(id -> id == 0)) {
                assertEquals(text, t.decode(ref), "decode with BOS: " + text);
                assertEquals(text, t.decode(expected), "decode without BOS: " + text);
            }
        }
    }

    @Test
    void unknownCharactersBecomeOneFusedUnkAndDecodeToNothing() {
        HfBpeTokenizer t = tinyStories();
        String text = "Zebra café naïve 123 + 4 = 127; emoji: \uD83D\uDE00 tabs\tand\nnewlines.";
        int[] ids = t.encode(text);
        assertEquals(6, Arrays.stream(ids).filter(id -> id == 0).count(), "é, ï, +, =, the emoji and the tab");
        assertEquals("Zebra caf nave 123  4  127; emoji:  tabsand\nnewlines.", t.decode(ids));
        assertArrayEquals(t.encode("a\u00e9b"), t.encode("a\u00e9\u00e9\u00e9b"), "fuse_unk joins adjacent unknowns");
    }

    @Test
    void greedyReferenceDecodesToTheStory() throws IOException {
        HfBpeTokenizer t = tinyStories();
        JsonNode ids = reference().get("tok656_greedy_from_bos");
        int[] arr = new int[ids.size()];
        for (int i = 0; i < arr.length; i++) arr[i] = ids.get(i).asInt();
        String text = t.decode(arr);
        assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);

        StringBuilder streamed = new StringBuilder();
        for (int i = 1; i < arr.length; i++) streamed.append(t.decodeToken(arr[i - 1], arr[i]));
        assertEquals(text, streamed.toString());
        assertEquals("On", t.decodeToken(1, 147));
    }

    @Test
    void specialTokensInTextMatchTheirNormalizedForm() {
        HfBpeTokenizer t = tinyStories();
        // added tokens are normalized=true, so they are matched as "▁<|end_story|>" in the normalized text
        int[] ids = t.encode("The end. <|end_story|>");
        assertEquals(2, ids[ids.length - 1]);
        assertEquals("The end.", t.decode(ids), "EOS is skipped and took the space with it");
        int[] glued = t.encode("The end.<|end_story|>");
        assertTrue(Arrays.stream(glued).noneMatch(id -> id == 2), "no space before it: spelled out, as in the library");
        assertEquals("The end.<|end_story|>", t.decode(glued));
        assertEquals(1, t.encode("<|start_story|>Once")[0]);
    }

    @Test
    void unsupportedComponentsAreRejectedByName(@TempDir Path dir) throws IOException {
        Path wordPiece = dir.resolve("tokenizer.json");
        Files.writeString(wordPiece, """
                {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": null,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1}}}
                """);
        RingmemException e = assertThrows(RingmemException.class, () -> HfBpeTokenizer.fromFile(wordPiece, null));
        assertTrue(e.getMessage().contains("WordPiece") && e.getMessage().contains(wordPiece.toString()), e.getMessage());

        Path badNormalizer = dir.resolve("bad-normalizer.json");
        Files.writeString(badNormalizer, """
                {"normalizer": {"type": "BertNormalizer"},
                 "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}
                """);
        e = assertThrows(RingmemException.class, () -> HfBpeTokenizer.fromFile(badNormalizer, null));
        assertTrue(e.getMessage().contains("BertNormalizer"), e.getMessage());

        Path notJson = dir.resolve("not-json.json");
        Files.writeString(notJson, "{ this is not json");
        e = assertThrows(RingmemException.class, () -> HfBpeTokenizer.fromFile(notJson, null));
        assertTrue(e.getMessage().contains(notJson.toString()), e.getMessage());
    }
}
