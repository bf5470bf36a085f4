package io.ringmem.tokenizer;

import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs the tokenizer fuzz targets found (docs/security.md, "Fuzzing record"), kept as regression cases. */
class TokenizerFuzzFindingsTest {
    /**
     * Llama2cVocabFuzzTest: a vocabulary size of 2^24 (the most a checkpoint may announce) with a 4-byte file sized two
     * arrays of 2^24 entries (128 MB) before the file was found too short.
     */
    @Test
    void llama2cVocabularyLargerThanTheFileIsRefusedBeforeAllocating() throws Exception {
        byte[] file = {8, 0, 0, 0};
        FuzzContract.check(file.length, e -> false, () -> {
            RingmemException e = assertThrows(RingmemException.class,
                    () -> Llama2cVocabFile.parse(Path.of("tok.bin"), file, 1 << 24));
            assertTrue(e.getMessage().contains("4 bytes cannot hold 16777216 tokens"), e.getMessage());
        });
    }

    /**
     * HfTokenizerFuzzTest: a Split pre-tokenizer's regex comes from the file; Jazzer's regex-injection detector flagged
     * it (a hostile pattern can backtrack for hours). A catastrophically backtracking pattern ({@code (.*a){12}$}
     * reads about n^12 characters: 1.2e8 at n = 24, hours at 40) now fails encoding with a RingmemException after its
     * step budget instead of hanging; an invalid one fails loading.
     */
    @Test
    @Timeout(60)
    void splitRegexFromTheFileCannotHangEncoding() {
        HfBpeTokenizer t = HfBpeTokenizer.fromJson(split("(.*a){12}$"), "redos/tokenizer.json");
        RingmemException e = assertThrows(RingmemException.class, () -> t.encode("a".repeat(40) + "!"));
        assertTrue(e.getMessage().contains("pre-tokenizer pattern needs more than 1000000 steps on a text of 41 characters"),
                e.getMessage());
        // a well-behaved pattern on the same text stays far inside the budget
        HfBpeTokenizer ok = HfBpeTokenizer.fromJson(split("a+"), "ok/tokenizer.json");
        assertTrue(ok.encode("a".repeat(40) + "!").length > 0);
    }

    @Test
    void invalidSplitRegexIsOneLineError() {
        RingmemException e = assertThrows(RingmemException.class,
                () -> HfBpeTokenizer.fromJson(split("\\\\"), "bad/tokenizer.json"));
        assertTrue(e.getMessage().contains("regex not supported by java.util.regex: Unescaped trailing backslash"), e.getMessage());
    }

    /** A tokenizer whose only pre-tokenizer is a Split on {@code regex} (a JSON string body, escaped). */
    private static byte[] split(String regex) {
        return ("""
                {"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "%s"}, "behavior": "Isolated"},
                 "model": {"type": "BPE", "vocab": {"a": 0, "!": 1, "aa": 2}, "merges": ["a a"]}}"""
                .formatted(regex)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Found by review against the fuzz contract (HfTokenizerFuzzTest's budget): the model kept an id-to-token array sized
     * by the largest vocabulary id, so a 66-byte tokenizer.json with the id 2^24-1 allocated 64 MB.
     */
    @Test
    void sparseVocabularyIdsDoNotSizeAnArray() throws Exception {
        byte[] json = """
                {"model": {"type": "BPE", "vocab": {"a": 16777215}, "merges": []}}""".getBytes(StandardCharsets.UTF_8);
        FuzzContract.check(json.length, e -> false, () -> {
            HfBpeTokenizer t = HfBpeTokenizer.fromJson(json, "sparse/tokenizer.json");
            assertTrue(t.decode(new int[] {16777215}).equals("a") && t.vocabSize() == 1 << 24);
        });
    }

    /** Found by review: an added token with id 2^31-1 made the vocabulary size (largest id + 1) overflow to negative. */
    @Test
    void addedTokenIdsAreBounded() {
        byte[] json = """
                {"added_tokens": [{"id": 2147483647, "content": "<s>"}],
                 "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""".getBytes(StandardCharsets.UTF_8);
        RingmemException e = assertThrows(RingmemException.class, () -> HfBpeTokenizer.fromJson(json, "big/tokenizer.json"));
        assertTrue(e.getMessage().contains("added token '<s>' has no valid id (0..16777215)"), e.getMessage());
    }

    /**
     * HfTokenizerFuzzTest (2-minute run, 16 k executions into the HF target): an {@code unk_token} holding an escaped
     * newline was quoted into a two-line error. Every RingmemException message is now one line (control characters
     * escaped in its constructor).
     */
    @Test
    void quotedFileTextStaysOneLine() {
        byte[] json = """
                {"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": "<\\nk>"}}""".getBytes(StandardCharsets.UTF_8);
        RingmemException e = assertThrows(RingmemException.class, () -> HfBpeTokenizer.fromJson(json, "nl/tokenizer.json"));
        assertTrue(e.getMessage().equals("nl/tokenizer.json: unk_token '<\\nk>' is not in the vocabulary"), e.getMessage());
    }
}
