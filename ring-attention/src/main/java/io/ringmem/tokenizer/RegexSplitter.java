package io.ringmem.tokenizer;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pre-tokenization by a regular expression: the text is cut into the pattern's matches and the (normally empty)
 * gaps between them, all kept, in order ("isolated" in Hugging Face's terms). Empty pieces are dropped.
 */
final class RegexSplitter {
    /**
     * GPT-2's pre-tokenizer pattern, with Unicode {@code \s}, {@code \p{L}} and {@code \p{N}} as in the original
     * (Python {@code regex}) and in Hugging Face's ByteLevel pre-tokenizer.
     */
    static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private RegexSplitter() {
    }

    /** Appends to {@code out} the matches of {@code pattern} in {@code text} and the gaps between them. */
    static void isolate(Pattern pattern, String text, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) out.add(text.substring(last, m.start()));
            if (m.end() > m.start()) out.add(text.substring(m.start(), m.end()));
            last = m.end();
        }
        if (last < text.length()) out.add(text.substring(last));
    }

    /** Appends to {@code out} the gaps between matches of {@code pattern}; the matches themselves are dropped. */
    static void remove(Pattern pattern, String text, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) out.add(text.substring(last, m.start()));
            last = m.end();
        }
        if (last < text.length()) out.add(text.substring(last));
    }
}
