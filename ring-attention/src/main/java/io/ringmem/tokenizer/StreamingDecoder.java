package io.ringmem.tokenizer;

/**
 * Turns generated token ids into printable text one id at a time.
 *
 * <p>Unlike calling {@link Tokenizer#decodeToken} per id, it keeps back byte-fallback tokens until they complete a
 * UTF-8 character (an emoji spread over four {@code <0xXX>} tokens prints once, whole), holding at most four ids.
 * Concatenating everything {@link #next} and {@link #flush} return gives {@link Tokenizer#decode} of the ids, for
 * this package's tokenizers, except where a decoder strips trailing text (Strip with {@code stop > 0}). For other
 * {@link Tokenizer} implementations it falls back to {@code decodeToken}. Not thread-safe; one per stream.
 */
public final class StreamingDecoder {
    private static final int MAX_PENDING = 4;
    private final Tokenizer tokenizer;
    private final IntList pending = new IntList(MAX_PENDING);
    private int previous;

    /** A decoder for a stream that starts after {@code previous} (the prompt's last id, BOS, or -1 for none). */
    public StreamingDecoder(Tokenizer tokenizer, int previous) {
        this.tokenizer = tokenizer;
        this.previous = previous;
    }

    /** The text that {@code id} completes; empty while it waits for the rest of a multi-byte character. */
    public String next(int id) {
        if (!(tokenizer instanceof ContinuationDecoder continuation)) {
            String s = tokenizer.decodeToken(previous, id);
            previous = id;
            return s;
        }
        pending.add(id);
        String s = continuation.decodeAfter(previous, pending.toArray());
        if (s.endsWith("\uFFFD") && pending.size() < MAX_PENDING) return "";
        previous = id;
        pending.clear();
        return s;
    }

    /** Text still held back (incomplete characters come out as U+FFFD); the decoder is then empty. */
    public String flush() {
        if (pending.size() == 0 || !(tokenizer instanceof ContinuationDecoder continuation)) return "";
        String s = continuation.decodeAfter(previous, pending.toArray());
        previous = pending.get(pending.size() - 1);
        pending.clear();
        return s;
    }
}
