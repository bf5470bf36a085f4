package io.ringmem.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds special (added) tokens written literally in a text and cuts the text around them, before any other
 * tokenization. Matching is leftmost-longest, like Hugging Face's added-vocabulary trie: scanning left to right,
 * the first position where some token starts wins, and there the longest token. Immutable.
 */
final class SpecialTokenMatcher {
    /**
     * A token to find. {@code lstrip}/{@code rstrip} make the match swallow whitespace on that side;
     * {@code singleWord} accepts a match only when no word character touches it.
     */
    record Literal(String text, int id, boolean lstrip, boolean rstrip, boolean singleWord) {
        Literal(String text, int id) {
            this(text, id, false, false, false);
        }
    }

    /** A piece of the input: plain text ({@code id == -1}) or a matched token and the text it covered. */
    record Segment(String text, int id) {
        boolean isToken() {
            return id >= 0;
        }
    }

    private static final SpecialTokenMatcher EMPTY = new SpecialTokenMatcher(Map.of());
    private final Map<Character, Literal[]> byFirstChar;

    private SpecialTokenMatcher(Map<Character, Literal[]> byFirstChar) {
        this.byFirstChar = byFirstChar;
    }

    static SpecialTokenMatcher of(Collection<Literal> literals) {
        Map<Character, List<Literal>> lists = new HashMap<>();
        for (Literal l : literals) {
            if (!l.text().isEmpty()) lists.computeIfAbsent(l.text().charAt(0), k -> new ArrayList<>()).add(l);
        }
        if (lists.isEmpty()) return EMPTY;
        Map<Character, Literal[]> map = new HashMap<>();
        lists.forEach((c, list) -> {
            list.sort(Comparator.comparingInt((Literal l) -> l.text().length()).reversed());
            map.put(c, list.toArray(Literal[]::new));
        });
        return new SpecialTokenMatcher(map);
    }

    boolean isEmpty() {
        return byFirstChar.isEmpty();
    }

    /** Cuts {@code text} into text and token segments, in order; text segments are never empty. */
    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        if (byFirstChar.isEmpty()) {
            if (!text.isEmpty()) out.add(new Segment(text, -1));
            return out;
        }
        int emitted = 0; // end of the last segment written
        int i = 0;
        while (i < text.length()) {
            Literal[] candidates = byFirstChar.get(text.charAt(i));
            Literal hit = null;
            if (candidates != null) {
                for (Literal l : candidates) {
                    if (text.startsWith(l.text(), i)) {
                        hit = l;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = i + hit.text().length();
            if (hit.singleWord() && (touchesWordBefore(text, start) || touchesWordAfter(text, stop))) {
                i = stop; // like the trie, resume after the rejected match
                continue;
            }
            if (hit.lstrip()) {
                while (start > emitted && Character.isWhitespace(text.charAt(start - 1))) start--;
            }
            if (hit.rstrip()) {
                while (stop < text.length() && Character.isWhitespace(text.charAt(stop))) stop++;
            }
            if (start > emitted) out.add(new Segment(text.substring(emitted, start), -1));
            out.add(new Segment(text.substring(start, stop), hit.id()));
            emitted = stop;
            i = stop;
        }
        if (emitted < text.length()) out.add(new Segment(text.substring(emitted), -1));
        return out;
    }

    private static boolean touchesWordBefore(String text, int pos) {
        return pos > 0 && isWordChar(text.codePointBefore(pos));
    }

    private static boolean touchesWordAfter(String text, int pos) {
        return pos < text.length() && isWordChar(text.codePointAt(pos));
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }
}
