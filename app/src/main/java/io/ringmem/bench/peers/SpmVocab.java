package io.ringmem.bench.peers;

/**
 * A synthetic SentencePiece (llama) vocabulary of any size ≥ 260, as GGUF's {@code tokenizer.ggml.*} arrays:
 * {@code <unk>} (0), {@code <s>} (1), {@code </s>} (2), the 256 byte tokens {@code <0x00>}..{@code <0xFF>}
 * (3..258), then distinct lowercase pieces, every other one with the SentencePiece word marker "▁", scored so
 * that earlier pieces merge first. Enough for llama.cpp, Jlama and Ringmem to load and tokenize text; it is not a
 * trained vocabulary.
 */
public final class SpmVocab {
    /** GGUF token types (llama.cpp's {@code llama_token_type}). */
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, BYTE = 6;
    /** The first piece after the specials and the byte tokens. */
    static final int FIRST_PIECE = 259;

    private final String[] tokens;
    private final float[] scores;
    private final int[] types;

    public SpmVocab(int size) {
        if (size < FIRST_PIECE + 1) throw new IllegalArgumentException("vocabulary of at least 260 tokens, got " + size);
        tokens = new String[size];
        scores = new float[size];
        types = new int[size];
        tokens[0] = "<unk>";
        tokens[1] = "<s>";
        tokens[2] = "</s>";
        types[0] = UNKNOWN;
        types[1] = CONTROL;
        types[2] = CONTROL;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = BYTE;
        }
        for (int i = FIRST_PIECE; i < size; i++) {
            int k = i - FIRST_PIECE;
            tokens[i] = (k % 2 == 0 ? "\u2581" : "") + word(k / 2 + 1);
            types[i] = NORMAL;
            scores[i] = -k;
        }
    }

    /** Bijective base 26 over a..z: 1 → "a", 26 → "z", 27 → "aa". */
    static String word(int n) {
        StringBuilder sb = new StringBuilder();
        while (n > 0) {
            n--;
            sb.append((char) ('a' + n % 26));
            n /= 26;
        }
        return sb.reverse().toString();
    }

    public String[] tokens() {
        return tokens.clone();
    }

    public float[] scores() {
        return scores.clone();
    }

    public int[] types() {
        return types.clone();
    }

    public int size() {
        return tokens.length;
    }
}
