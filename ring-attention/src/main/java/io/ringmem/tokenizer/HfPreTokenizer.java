package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.RingmemException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Hugging Face {@code pre_tokenizer}: cuts normalized text into the words that BPE merges within. Supported
 * types: null (the whole text is one word), Metaspace (replacement, {@code prepend_scheme} always/first/never or
 * the older {@code add_prefix_space}, {@code split}), ByteLevel ({@code add_prefix_space}, {@code use_regex}; words
 * come out in {@link ByteUnicode} characters), Split (String or Regex pattern, behavior Isolated or Removed, not
 * inverted; Regex patterns are compiled by {@code java.util.regex} with Unicode classes) and Sequence of these.
 */
@FunctionalInterface
interface HfPreTokenizer {
    HfPreTokenizer WHOLE = (text, first, out) -> out.add(text);

    /**
     * Appends the words of {@code text} to {@code out}. {@code first} tells whether {@code text} starts the input
     * (Metaspace's {@code first} scheme prepends only then).
     */
    void split(String text, boolean first, List<String> out);

    static HfPreTokenizer parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return WHOLE;
        String type = HfJson.type(node);
        String here = where + ": pre_tokenizer " + type;
        return switch (type) {
            case "Sequence" -> sequence(node, where);
            case "Metaspace" -> metaspace(node, here);
            case "ByteLevel" -> byteLevel(node);
            case "Split" -> split(node, here);
            default -> throw new RingmemException(where + ": unsupported pre_tokenizer type '" + type + "'");
        };
    }

    private static HfPreTokenizer sequence(JsonNode node, String where) {
        List<HfPreTokenizer> stages = new ArrayList<>();
        for (JsonNode n : node.path("pretokenizers")) stages.add(parse(n, where));
        return (text, first, out) -> {
            List<String> current = List.of(text);
            for (HfPreTokenizer stage : stages) {
                List<String> next = new ArrayList<>();
                for (int i = 0; i < current.size(); i++) stage.split(current.get(i), first && i == 0, next);
                current = next;
            }
            out.addAll(current);
        };
    }

    private static HfPreTokenizer metaspace(JsonNode node, String here) {
        String replacement = Character.toString(HfJson.codePoint(node, "replacement", '\u2581', here));
        String scheme = HfJson.text(node, "prepend_scheme");
        if (scheme == null) scheme = HfJson.bool(node, "add_prefix_space", true) ? "always" : "never";
        if (!scheme.equals("always") && !scheme.equals("first") && !scheme.equals("never")) {
            throw new RingmemException(here + ": unsupported prepend_scheme '" + scheme + "'");
        }
        String prepend = scheme;
        boolean split = HfJson.bool(node, "split", true);
        return (text, first, out) -> {
            String s = text.replace(" ", replacement);
            boolean wanted = prepend.equals("always") || (prepend.equals("first") && first);
            if (wanted && !s.startsWith(replacement)) s = replacement + s;
            if (!split) {
                if (!s.isEmpty()) out.add(s);
                return;
            }
            int start = 0;
            for (int i = s.indexOf(replacement, 1); i >= 0; i = s.indexOf(replacement, i + 1)) {
                if (i > start) out.add(s.substring(start, i));
                start = i;
            }
            if (start < s.length()) out.add(s.substring(start));
        };
    }

    private static HfPreTokenizer byteLevel(JsonNode node) {
        boolean addPrefixSpace = HfJson.bool(node, "add_prefix_space", true);
        boolean useRegex = HfJson.bool(node, "use_regex", true);
        return (text, first, out) -> {
            String s = addPrefixSpace && !text.startsWith(" ") ? " " + text : text;
            List<String> words = new ArrayList<>();
            if (useRegex) RegexSplitter.isolate(RegexSplitter.GPT2, s, words);
            else if (!s.isEmpty()) words.add(s);
            for (String w : words) out.add(ByteUnicode.encode(w));
        };
    }

    private static HfPreTokenizer split(JsonNode node, String here) {
        if (HfJson.bool(node, "invert", false)) throw new RingmemException(here + " with invert=true is not supported");
        String literal = HfJson.stringPattern(node, here);
        Pattern pattern;
        try {
            pattern = literal != null ? Pattern.compile(Pattern.quote(literal))
                    : Pattern.compile(node.path("pattern").path("Regex").asText(), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new RingmemException(here + ": regex not supported by java.util.regex: " + e.getDescription());
        } catch (StackOverflowError e) { // the compiler recurses per nesting level
            throw new RingmemException(here + ": regex nests too deeply");
        }
        String behavior = HfJson.text(node, "behavior");
        // the pattern comes from the file: matched with a step budget (RegexSplitter.bounded), so it cannot hang encoding
        if ("Isolated".equals(behavior)) return (text, first, out) -> RegexSplitter.isolate(pattern, RegexSplitter.bounded(text), out);
        if ("Removed".equals(behavior)) return (text, first, out) -> RegexSplitter.remove(pattern, RegexSplitter.bounded(text), out);
        throw new RingmemException(here + ": unsupported behavior '" + behavior + "' (only Isolated and Removed)");
    }
}
