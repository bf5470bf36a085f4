package io.ringmem.tokenizer;

import io.ringmem.RingmemException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pre-tokenization by a regular expression: the text is cut into the pattern's matches and the (normally empty)
 * gaps between them, all kept, in order ("isolated" in Hugging Face's terms). Empty pieces are dropped.
 *
 * <p>A pattern that comes from a tokenizer file runs {@link #bounded}: Java's regex engine backtracks, so a hostile
 * pattern could otherwise take exponential time on a short text (ReDoS). The bounded text counts the characters the
 * matcher reads and refuses with a {@link RingmemException} past {@link #STEPS_PER_CHAR} reads per character of the
 * text (at least {@link #MIN_STEPS}); real pre-tokenizer patterns read each character a few times.
 */
final class RegexSplitter {
    /** Character reads a file's pattern may make per character of the text it splits. */
    static final long STEPS_PER_CHAR = 10_000;
    /** Character reads a file's pattern may make on any text. */
    static final long MIN_STEPS = 1_000_000;

    /**
     * GPT-2's pre-tokenizer pattern, with Unicode {@code \s}, {@code \p{L}} and {@code \p{N}} as in the original
     * (Python {@code regex}) and in Hugging Face's ByteLevel pre-tokenizer.
     */
    static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private RegexSplitter() {
    }

    /** {@code text} for a pattern from a file: matching past the step budget throws a {@link RingmemException}. */
    static CharSequence bounded(String text) {
        return new Bounded(text, Math.max(MIN_STEPS, STEPS_PER_CHAR * text.length()));
    }

    /** Appends to {@code out} the matches of {@code pattern} in {@code text} and the gaps between them. */
    static void isolate(Pattern pattern, CharSequence text, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (find(m, text)) {
            if (m.start() > last) out.add(text.subSequence(last, m.start()).toString());
            if (m.end() > m.start()) out.add(text.subSequence(m.start(), m.end()).toString());
            last = m.end();
        }
        if (last < text.length()) out.add(text.subSequence(last, text.length()).toString());
    }

    /** Appends to {@code out} the gaps between matches of {@code pattern}; the matches themselves are dropped. */
    static void remove(Pattern pattern, CharSequence text, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (find(m, text)) {
            if (m.start() > last) out.add(text.subSequence(last, m.start()).toString());
            last = m.end();
        }
        if (last < text.length()) out.add(text.subSequence(last, text.length()).toString());
    }

    private static boolean find(Matcher m, CharSequence text) {
        try {
            return m.find();
        } catch (StackOverflowError e) { // java.util.regex recurses per repetition of some constructs
            throw new RingmemException("pre-tokenizer pattern " + m.pattern() + " recursed too deeply on a text of "
                    + text.length() + " characters");
        }
    }

    /** A text whose reads are counted; substrings are taken from the text itself, uncounted. */
    private static final class Bounded implements CharSequence {
        private final String text;
        private final long budget;
        private long steps;

        Bounded(String text, long budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (++steps > budget) {
                throw new RingmemException("pre-tokenizer pattern needs more than " + budget + " steps on a text of "
                        + text.length() + " characters (a pattern that backtracks catastrophically?)");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
