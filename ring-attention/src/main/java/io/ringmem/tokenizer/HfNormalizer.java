package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.RingmemException;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Hugging Face {@code normalizer}: text → text, applied to each piece of the input between added tokens.
 * Supported types: Sequence, Prepend, Replace (String pattern), NFC, NFD, NFKC, NFKD (by
 * {@link java.text.Normalizer}), Lowercase, Strip. Anything else, including Replace with a Regex pattern, is
 * rejected when parsed.
 */
@FunctionalInterface
interface HfNormalizer {
    HfNormalizer IDENTITY = s -> s;

    String normalize(String text);

    /** Parses a {@code normalizer} object; JSON null or absent gives {@link #IDENTITY}. */
    static HfNormalizer parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return IDENTITY;
        String type = HfJson.type(node);
        String here = where + ": normalizer " + type;
        return switch (type) {
            case "Sequence" -> {
                List<HfNormalizer> parts = new ArrayList<>();
                for (JsonNode n : node.path("normalizers")) parts.add(parse(n, where));
                yield s -> {
                    for (HfNormalizer p : parts) s = p.normalize(s);
                    return s;
                };
            }
            case "Prepend" -> {
                String prefix = HfJson.requiredText(node, "prepend", here);
                yield s -> s.isEmpty() ? s : prefix + s;
            }
            case "Replace" -> {
                String pattern = HfJson.stringPattern(node, here);
                if (pattern == null) throw new RingmemException(here + " with a Regex pattern is not supported");
                String content = HfJson.requiredText(node, "content", here);
                yield pattern.isEmpty() ? IDENTITY : s -> s.replace(pattern, content);
            }
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Strip" -> {
                boolean left = HfJson.bool(node, "strip_left", true);
                boolean right = HfJson.bool(node, "strip_right", true);
                yield s -> left && right ? s.strip() : left ? s.stripLeading() : right ? s.stripTrailing() : s;
            }
            default -> throw new RingmemException(where + ": unsupported normalizer type '" + type + "'");
        };
    }
}
