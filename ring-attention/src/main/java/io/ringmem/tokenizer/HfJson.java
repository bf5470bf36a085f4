package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.RingmemException;

/** Small helpers for reading Hugging Face tokenizer JSON: typed fields with defaults and clear errors. */
final class HfJson {
    private HfJson() {
    }

    /** The {@code type} of a component, or "" when absent. */
    static String type(JsonNode node) {
        JsonNode t = node.get("type");
        return t == null || t.isNull() ? "" : t.asText();
    }

    static boolean bool(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }

    static int integer(JsonNode node, String field, int dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asInt();
    }

    /** A string field, or null when absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String requiredText(JsonNode node, String field, String where) {
        String s = text(node, field);
        if (s == null) throw new RingmemException(where + ": missing field '" + field + "'");
        return s;
    }

    /**
     * The literal of a Replace/Split {@code pattern} ({@code {"String": "..."}}); a {@code {"Regex": ...}} pattern is
     * returned as null so that the caller decides.
     */
    static String stringPattern(JsonNode component, String where) {
        JsonNode p = component.get("pattern");
        if (p == null || p.isNull()) throw new RingmemException(where + ": missing field 'pattern'");
        if (p.has("String")) return p.get("String").asText();
        if (p.has("Regex")) return null;
        throw new RingmemException(where + ": unsupported pattern " + p);
    }

    /** One character given as a JSON string (Metaspace replacement, Strip content). */
    static int codePoint(JsonNode node, String field, int dflt, String where) {
        String s = text(node, field);
        if (s == null) return dflt;
        if (s.codePointCount(0, s.length()) != 1) {
            throw new RingmemException(where + ": '" + field + "' must be one character, got '" + s + "'");
        }
        return s.codePointAt(0);
    }
}
