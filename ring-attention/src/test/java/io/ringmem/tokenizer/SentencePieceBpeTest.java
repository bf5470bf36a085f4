package io.ringmem.tokenizer;

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

/** llama2.c tokenizer (stories260K tok512.bin) and the same vocabulary in GGUF form. */
class SentencePieceBpeTest {
    /** Golden greedy ids of stories260K after BOS (models/README.md). */
    static final int[] GOLDEN = {403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401,
            396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370,
            432, 352, 266, 268, 388, 426, 338, 391, 266, 267};

    static SentencePieceBpe tok512() {
        return SentencePieceBpe.fromLlama2c(TestData.stories260kTokenizer(), 512);
    }

    @Test
    void headerAndSpecialIds() {
        SentencePieceBpe t = tok512();
        assertEquals(512, t.vocabSize());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos());
        assertEquals(0, t.unk());
        assertTrue(t.addBos());
        assertEquals(" Once", t.piece(403));
    }

    @Test
    void goldenIdsDecodeAndEncodeBack() {
        SentencePieceBpe t = tok512();
        String text = t.decode(GOLDEN);
        assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily. She loved to play outside "
                + "in the park."), text);
        assertEquals("Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
                + "One day, she saw a big, red ball. She wanted to", text);
        assertArrayEquals(GOLDEN, t.encode(text));
        // BOS in front decodes the same (it is skipped, and the piece after it loses its dummy-prefix space)
        int[] withBos = new int[GOLDEN.length + 1];
        withBos[0] = 1;
        System.arraycopy(GOLDEN, 0, withBos, 1, GOLDEN.length);
        assertEquals(text, t.decode(withBos));
    }

    @Test
    void streamingPiecesConcatenateToTheDecodedText() {
        SentencePieceBpe t = tok512();
        StringBuilder sb = new StringBuilder();
        int prev = t.bos();
        for (int id : GOLDEN) {
            sb.append(t.decodeToken(prev, id));
            prev = id;
        }
        assertEquals(t.decode(GOLDEN), sb.toString());
        assertEquals("Once", t.decodeToken(1, 403));
        assertEquals(" Once", t.decodeToken(407, 403));
        assertEquals("", t.decodeToken(403, 2)); // EOS prints nothing
    }

    @Test
    void byteFallbackRoundTripsAccentsAndEmoji() {
        SentencePieceBpe t = tok512();
        String text = "Café au lait \uD83D\uDE00 is naïve.";
        int[] ids = t.encode(text);
        int bytePieces = 0;
        for (int id : ids) if (t.piece(id).matches("<0x[0-9A-F]{2}>")) bytePieces++;
        // tok512 has "é" as a piece of its own (id 485); the emoji (4 bytes) and "ï" (2 bytes) fall back to bytes
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == 485), Arrays.toString(ids));
        assertEquals(4 + 2, bytePieces, Arrays.toString(ids));
        assertEquals(text, t.decode(ids));
        // one byte of a multi-byte character alone is not text
        int firstByte = t.encode("ï")[1];
        assertEquals("<0xC3>", t.piece(firstByte));
        assertEquals("\uFFFD", t.decodeToken(5, firstByte));
    }

    @Test
    void edgeTextsRoundTrip() {
        SentencePieceBpe t = tok512();
        assertArrayEquals(new int[0], t.encode(""));
        assertEquals("", t.decode(new int[0]));
        for (String s : new String[] {" ", "  two leading spaces", "trailing  ", "a\nb\n\n", "\t<s> </s>", "Lily"}) {
            assertEquals(s, t.decode(t.encode(s)), s);
        }
        // ids outside the vocabulary are skipped
        assertEquals("a b", t.decode(new int[] {t.encode("a")[0], 999, -3, t.encode("b")[0]}));
    }

    @Test
    void ggufFormOfTheSameVocabularyEncodesTheSame() {
        Llama2cVocabFile file = Llama2cVocabFile.read(TestData.stories260kTokenizer(), 512);
        String[] pieces = file.pieces().clone();
        int[] types = new int[512];
        for (int i = 0; i < 512; i++) {
            pieces[i] = pieces[i].replace(' ', '\u2581');
            types[i] = i == 0 ? 2 : i <= 2 ? 3 : i <= 258 ? 6 : 1;
        }
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        SentencePieceBpe gguf = SentencePieceBpe.fromGguf(pieces, file.scores(), types, 1, 2, 0, true);
        SentencePieceBpe noTypes = SentencePieceBpe.fromGguf(pieces, file.scores(), null, 1, 2, 0, true);
        String text = tok512().decode(GOLDEN);
        assertArrayEquals(GOLDEN, gguf.encode(text));
        assertArrayEquals(GOLDEN, noTypes.encode(text));
        assertEquals(text, gguf.decode(GOLDEN));
        String odd = "naïve \uD83D\uDE00 x";
        assertEquals(odd, gguf.decode(gguf.encode(odd)));
        assertArrayEquals(tok512().encode(odd), gguf.encode(odd));

        SentencePieceBpe noPrefix = gguf.withAddDummyPrefix(false);
        int[] ids = noPrefix.encode("Once");
        assertEquals("Once", noPrefix.decode(ids));
        assertTrue(ids[0] != 403, "without the dummy prefix 'Once' is not the ' Once' token");
    }

    @Test
    void truncatedFileIsReportedWithItsName(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(TestData.stories260kTokenizer());
        Path cut = dir.resolve("tok512-cut.bin");
        Files.write(cut, Arrays.copyOf(full, full.length - 10));
        RingmemException e = assertThrows(RingmemException.class, () -> SentencePieceBpe.fromLlama2c(cut, 512));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path tiny = dir.resolve("two-bytes.bin");
        Files.write(tiny, new byte[] {7, 0});
        e = assertThrows(RingmemException.class, () -> SentencePieceBpe.fromLlama2c(tiny, 512));
        assertTrue(e.getMessage().contains(tiny.toString()), e.getMessage());

        Path missing = dir.resolve("missing.bin");
        e = assertThrows(RingmemException.class, () -> SentencePieceBpe.fromLlama2c(missing, 512));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
