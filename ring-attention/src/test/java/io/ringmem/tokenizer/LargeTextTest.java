package io.ringmem.tokenizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** About 1 MB of story text encodes in well under a minute (the merge loops are O(n log n)) and round-trips. */
class LargeTextTest {
    static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in "
            + "the park. One day, she saw a big, red ball. \"Look!\" she said. She wanted to play with it, but it was "
            + "too high.\n";

    static String megabyte() {
        StringBuilder sb = new StringBuilder(1 << 20);
        while (sb.length() < (1 << 20)) sb.append(STORY);
        return sb.toString();
    }

    @Test
    void sentencePieceOnOneMegabyte() {
        SentencePieceBpe t = SentencePieceBpeTest.tok512();
        String text = megabyte();
        int[] ids = t.encode(text);
        assertTrue(ids.length > 100_000 && ids.length < text.length(), "ids: " + ids.length);
        assertEquals(text, t.decode(ids));
    }

    @Test
    void huggingFaceBpeWithoutPreTokenizerOnOneMegabyte() {
        HfBpeTokenizer t = HfBpeTokenizerTest.tinyStories();
        String text = megabyte();
        int[] ids = t.encode(text);
        assertTrue(ids.length > 100_000 && ids.length < text.length(), "ids: " + ids.length);
        assertEquals(text, t.decode(ids));
    }

    @Test
    void gpt2OnOneMegabyte() {
        Gpt2ByteBpe t = new Gpt2ByteBpeTest().tok;
        String text = megabyte();
        int[] ids = t.encode(text);
        assertTrue(ids.length > 100_000, "ids: " + ids.length);
        assertEquals(text, t.decode(ids));
    }
}
