package io.ringmem.tokenizer;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GPT-2 byte-level BPE on a tiny vocabulary built here: the 256 byte characters plus a few merges. */
class Gpt2ByteBpeTest {
    static final String[] MERGES = {"Ġ t", "h e", "Ġt he", "Ġ Ġ", ", Ġ", "4 2"};
    final List<String> tokens = new ArrayList<>();
    final List<Integer> types = new ArrayList<>();
    final Gpt2ByteBpe tok;
    final int eot;
    final int tool;

    Gpt2ByteBpeTest() {
        for (int b = 0; b < 256; b++) add(String.valueOf(ByteUnicode.charOf(b)), 1);
        for (String m : MERGES) add(m.replace(" ", ""), 1);
        eot = add("<|endoftext|>", 3);
        tool = add("<tool>", 4);
        tok = Gpt2ByteBpe.fromGguf(tokens.toArray(String[]::new), MERGES,
                types.stream().mapToInt(Integer::intValue).toArray(), eot, eot, false);
    }

    private int add(String token, int type) {
        tokens.add(token);
        types.add(type);
        return tokens.size() - 1;
    }

    private int id(String token) {
        int i = tokens.indexOf(token);
        assertTrue(i >= 0, token);
        return i;
    }

    @Test
    void byteTableIsGpt2s() {
        assertEquals('Ġ', ByteUnicode.charOf(' '));
        assertEquals('Ċ', ByteUnicode.charOf('\n'));
        assertEquals('A', ByteUnicode.charOf('A'));
        for (int b = 0; b < 256; b++) assertEquals(b, ByteUnicode.byteOf(ByteUnicode.charOf(b)));
        assertEquals(-1, ByteUnicode.byteOf('€'));
    }

    @Test
    void mergesApplyByRankWithinWords() {
        assertArrayEquals(new int[] {id("Ġthe")}, tok.encode(" the"));
        assertArrayEquals(new int[] {'t', id("he")}, tok.encode("the"), "no space: only 'h e' applies");
        assertArrayEquals(new int[] {id("42")}, tok.encode("42"));
    }

    @Test
    void sentenceWithPunctuationDigitsSpacesNewlineAndSpecialToken() {
        String text = "Hello, the  world!  42 apples\nthe end<|endoftext|>";
        int[] ids = tok.encode(text);
        // GPT-2 pre-tokenization keeps "," and " the" apart, so the ", Ġ" merge never fires
        assertTrue(Arrays.stream(ids).noneMatch(i -> i == id(",Ġ")), Arrays.toString(ids));
        // "  world": \s+(?!\S) takes one space alone, which cannot merge with the space of " world"
        assertTrue(Arrays.stream(ids).noneMatch(i -> i == id("ĠĠ")), Arrays.toString(ids));
        // "  42": one space alone, then " 42" where "4 2" merges
        int[] expected = {'H', 'e', 'l', 'l', 'o', ',', id("Ġthe"), id("Ġ"), id("Ġ"), 'w', 'o', 'r', 'l', 'd',
                '!', id("Ġ"), id("Ġ"), id("42"), id("Ġ"), 'a', 'p', 'p', 'l', 'e', 's', id("Ċ"), 't', id("he"),
                id("Ġ"), 'e', 'n', 'd', eot};
        assertArrayEquals(expected, ids);
        assertEquals("Hello, the  world!  42 apples\nthe end", tok.decode(ids), "the control token is skipped");
        assertArrayEquals(new int[] {id("ĠĠ"), id("Ġ"), 'x'}, tok.encode("   x"), "trailing-space rule");
    }

    @Test
    void userDefinedTokensAreMatchedAndKept() {
        int[] ids = tok.encode("call <tool>now");
        assertEquals(tool, ids[ids.length - 4]);
        assertEquals("call <tool>now", tok.decode(ids));
        assertEquals("<tool>", tok.decodeToken(-1, tool));
        assertEquals("", tok.decodeToken(-1, eot));
    }

    @Test
    void unicodeRoundTripsThroughBytes() {
        String text = "naïve café 😀 — ok\r\n\t end";
        int[] ids = tok.encode(text);
        assertEquals(text, tok.decode(ids));
        StringBuilder sb = new StringBuilder();
        StreamingDecoder stream = new StreamingDecoder(tok, -1);
        for (int id : ids) sb.append(stream.next(id));
        sb.append(stream.flush());
        assertEquals(text, sb.toString());
    }

    @Test
    void mergeWithUnknownTokenIsRejected() {
        String[] vocab = tokens.toArray(String[]::new);
        RingmemException e = assertThrows(RingmemException.class,
                () -> Gpt2ByteBpe.fromGguf(vocab, new String[] {"x yz"}, null, -1, -1, false));
        assertTrue(e.getMessage().contains("yz"), e.getMessage());
    }
}
