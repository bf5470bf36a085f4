package io.ringmem.kv;

import java.util.List;
import java.util.Locale;

/**
 * How segment mode keeps the block summaries it ranks stored blocks by.
 * <ul>
 *   <li>{@link #FLAT}: every block summary of every earlier segment in one {@link RetrievalIndex}, scanned for each
 *   query chunk; the searched structure grows with the number of stored blocks.</li>
 *   <li>{@link #TWO_LEVEL}: one bounding box per earlier segment ({@link TwoLevelIndex}), searched best-first; only the
 *   visited segments' block summaries are read ({@link TwoLevelIndex.SummarySource}). The searched structure grows
 *   with the number of segments. With every segment allowed (index segments 0) the result is the flat scan's, bit
 *   for bit; with a limit it is an approximation whose recall {@code bench retrieval} and {@code bench recall}
 *   measure.</li>
 * </ul>
 */
public enum IndexLayout {
    FLAT, TWO_LEVEL;

    /** The names as the CLI and the REST API spell them. */
    public static final List<String> NAMES = List.of("flat", "two-level");

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A layout by name (case-insensitive); IllegalArgumentException naming the choices. */
    public static IndexLayout parse(String name) {
        for (IndexLayout l : values()) if (l.wireName().equalsIgnoreCase(name.strip())) return l;
        throw new IllegalArgumentException("unknown retrievalIndex '" + name + "': use one of " + String.join(", ", NAMES));
    }
}
