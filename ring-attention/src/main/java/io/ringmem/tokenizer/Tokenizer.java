package io.ringmem.tokenizer;

/**
 * Text ↔ token ids for one vocabulary.
 *
 * <p>Contract: {@code encode} never adds BOS/EOS; callers ask for them with {@link #bos()} and {@link #eos()}.
 * {@code decode} skips BOS/EOS and other control tokens. Round trip {@code decode(encode(s)).equals(s)} holds
 * for valid UTF-8 text where the vocabulary has byte fallback; it is not guaranteed otherwise.
 * Implementations are immutable and thread-safe.
 */
public interface Tokenizer {
    int[] encode(String text);

    String decode(int[] ids);

    /** Text of a single token as it would appear in a decoded stream after {@code previous} (for streaming). */
    String decodeToken(int previous, int id);

    int vocabSize();

    /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
    int bos();

    /** End-of-sequence id, or -1 when the vocabulary has none. */
    int eos();

    /** Whether {@code encode} callers should put BOS in front of a prompt (the vocabulary's own setting). */
    default boolean addBos() {
        return bos() >= 0;
    }
}
