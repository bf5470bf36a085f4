package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.RingmemException;
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

/** Synthetic tokenizer.json files for the pre-tokenizers, decoders and added-token options tinystories lacks. */
class HfComponentsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static ObjectNode added(int id, String content, boolean special, boolean normalized) {
        return JSON.createObjectNode().put("id", id).put("content", content).put("special", special)
                .put("normalized", normalized).put("lstrip", false).put("rstrip", false).put("single_word", false);
    }

    private static ObjectNode type(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private HfBpeTokenizer write(ObjectNode root) throws IOException {
        Path f = dir.resolve("tokenizer-" + System.nanoTime() + ".json");
        Files.writeString(f, JSON.writeValueAsString(root));
        return HfBpeTokenizer.fromFile(f, null);
    }

    /** Llama-2 style: Metaspace pre-tokenizer and decoder, byte fallback, &lt;s&gt; from the template. */
    private ObjectNode llamaStyle() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode addedTokens = root.putArray("added_tokens");
        addedTokens.add(added(0, "<unk>", true, false)).add(added(1, "<s>", true, false)).add(added(2, "</s>", true, false));
        root.set("normalizer", null);
        root.set("pre_tokenizer", type("Metaspace").put("replacement", "▁").put("prepend_scheme", "first").put("split", false));
        ObjectNode pp = type("TemplateProcessing");
        pp.putArray("single").add(JSON.createObjectNode().set("SpecialToken", JSON.createObjectNode().put("id", "<s>")))
                .add(JSON.createObjectNode().set("Sequence", JSON.createObjectNode().put("id", "A")));
        pp.putObject("special_tokens").putObject("<s>").put("id", "<s>").putArray("ids").add(1);
        root.set("post_processor", pp);
        ObjectNode dec = type("Sequence");
        dec.putArray("decoders").add(type("Replace").put("content", " ").set("pattern", JSON.createObjectNode().put("String", "▁")))
                .add(type("ByteFallback")).add(type("Fuse")).add(type("Strip").put("content", " ").put("start", 1).put("stop", 0));
        root.set("decoder", dec);
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true)
                .put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        vocab.put("<unk>", 0).put("<s>", 1).put("</s>", 2);
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), 3 + b);
        int next = 259; // ▁ 259, h 260, e 261, l 262, o 263, w 264, r 265, d 266, ▁h 267, el 268, ell 269,
                        // ▁hell 270, ▁hello 271, or 272, ▁w 273
        for (String s : new String[] {"▁", "h", "e", "l", "o", "w", "r", "d", "▁h", "el", "ell", "▁hell", "▁hello", "or", "▁w"}) {
            vocab.put(s, next++);
        }
        model.putArray("merges").add("▁ h").add("e l").add("el l").add("▁h ell").add("▁hell o").add("o r")
                .add(JSON.createArrayNode().add("▁").add("w")); // the array form of a merge
        return root;
    }

    @Test
    void metaspaceByteFallbackAndTemplateBos() throws IOException {
        HfBpeTokenizer t = write(llamaStyle());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos(), "found by the name </s>");
        assertTrue(t.addBos());
        int[] ids = t.encode("hello world");
        assertEquals(Arrays.asList(271, 273, 272, 262, 266),
                Arrays.stream(ids).boxed().toList(), "▁hello ▁w or l d");
        assertEquals("hello world", t.decode(ids));
        String odd = "hé \uD83D\uDE00!";
        int[] oddIds = t.encode(odd);
        assertTrue(Arrays.stream(oddIds).anyMatch(id -> id == 3 + 0xF0), "emoji falls back to bytes");
        assertEquals(odd, t.decode(oddIds));
        // streaming holds the four emoji bytes back until the character is complete
        StreamingDecoder stream = new StreamingDecoder(t, t.bos());
        StringBuilder sb = new StringBuilder();
        for (int id : oddIds) {
            String piece = stream.next(id);
            assertTrue(!piece.contains("\uFFFD"), "no replacement characters while streaming");
            sb.append(piece);
        }
        assertEquals(odd, sb.append(stream.flush()).toString());
        // non-normalized special token cut from the raw text; "first" prepends ▁ only at the very start
        int[] withEos = t.encode("hello</s>hello");
        assertEquals(Arrays.asList(271, 2, 260, 269, 263), Arrays.stream(withEos).boxed().toList(), "▁hello </s> h ell o");
    }

    @Test
    void byteLevelPreTokenizerAndDecoderWithStrippingAddedToken() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("added_tokens").add(added(300, "<|endoftext|>", true, false))
                .add(added(301, "<sep>", false, false).put("lstrip", true).put("rstrip", true));
        root.set("pre_tokenizer", type("ByteLevel").put("add_prefix_space", false).put("use_regex", true));
        root.set("decoder", type("ByteLevel"));
        ObjectNode model = root.putObject("model").put("type", "BPE");
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteUnicode.charOf(b)), b);
        vocab.put("Ġt", 256).put("he", 257).put("Ġthe", 258);
        model.putArray("merges").add("Ġ t").add("h e").add("Ġt he");
        HfBpeTokenizer t = write(root);
        assertEquals(-1, t.bos());
        assertEquals(300, t.eos());
        assertEquals(302, t.vocabSize());
        assertArrayEquals(new int[] {'a', 258, 300}, t.encode("a the<|endoftext|>"));
        assertEquals("a the", t.decode(t.encode("a the<|endoftext|>")));
        // <sep> swallows the spaces around it; as a non-special added token it decodes to its content
        assertArrayEquals(new int[] {'a', 301, 't', 257}, t.encode("a  <sep>  the"));
        assertEquals("a<sep>the", t.decode(t.encode("a  <sep>  the")));
        String unicode = "naïve 😀\n\tend";
        assertEquals(unicode, t.decode(t.encode(unicode)));
    }

    @Test
    void unsupportedPiecesAreNamed() throws IOException {
        ObjectNode r1 = llamaStyle();
        r1.set("pre_tokenizer", type("BertPreTokenizer"));
        RingmemException e = assertThrows(RingmemException.class, () -> write(r1));
        assertTrue(e.getMessage().contains("BertPreTokenizer"), e.getMessage());
        ObjectNode r2 = llamaStyle();
        r2.set("decoder", type("WordPiece"));
        e = assertThrows(RingmemException.class, () -> write(r2));
        assertTrue(e.getMessage().contains("WordPiece"), e.getMessage());
        ObjectNode r3 = llamaStyle();
        ((ArrayNode) r3.path("model").path("merges")).add("x y");
        e = assertThrows(RingmemException.class, () -> write(r3));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }
}
