package io.ringmem.segment;

import java.util.List;
import java.util.Locale;

/**
 * Which rotary positions segment mode gives a segment's tokens and its carried keys.
 * <ul>
 *   <li>{@link #DOCUMENT}: every token keeps its document position (exact prefill of the whole document when every
 *   earlier token is carried); past the model's trained context the query–key distances are ones it never saw.</li>
 *   <li>{@link #WINDOW}: every query–key distance stays inside the trained context (StreamingLLM, InfLLM): the
 *   segment's tokens sit at positions inside the window and the carried keys (sinks, retrieved blocks, previous
 *   window) are re-rotated to positions just before them ({@link WindowLayout}).</li>
 *   <li>{@link #AUTO}: {@code WINDOW} for a document longer than the trained context, {@code DOCUMENT} otherwise
 *   ({@link SegmentConfig#resolvedFor}).</li>
 * </ul>
 */
public enum Positions {
    AUTO, WINDOW, DOCUMENT;

    /** The names as the CLI and the REST API spell them. */
    public static final List<String> NAMES = List.of("auto", "window", "document");

    /** The name as the CLI and the REST API spell it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The warning for exact attention over {@code tokens} tokens on a model trained for {@code context} positions, or
     * null when the document fits (or the context is unknown, 0).
     */
    public static String exactWarning(int tokens, int context) {
        if (context <= 0 || tokens <= context) return null;
        return "exact attention over " + tokens + " tokens runs past the model's trained context of " + context
                + " tokens: positions beyond it are out of distribution (segment mode keeps them inside: --mode segments)";
    }

    /** A policy by its name (auto, window, document; case-insensitive); IllegalArgumentException naming the choices. */
    public static Positions parse(String name) {
        for (Positions p : values()) if (p.wireName().equalsIgnoreCase(name.strip())) return p;
        throw new IllegalArgumentException("unknown positions '" + name + "': use one of " + String.join(", ", NAMES));
    }
}
