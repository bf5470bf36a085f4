package io.ringmem.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * File names for one plot per document when several documents share one {@code --plot FILE}: a single document
 * writes {@code FILE} itself; several write {@code STEM-ID.EXT} beside it ({@code loss.png} and document
 * {@code doc-1} give {@code loss-doc-1.png}), the id {@linkplain #sanitize sanitized}, an id that sanitizes to
 * nothing replaced by {@code doc-N} (N counting from 1), and a name already taken (compared ignoring case) given
 * {@code -2}, {@code -3}, ... Pure function of its arguments; nothing is checked on disk.
 */
public final class PlotFiles {
    private static final int MAX_ID = 80;

    private PlotFiles() {
    }

    /**
     * One path per id, in order.
     *
     * @param requested   the path the user gave
     * @param documentIds the documents' ids, in document order
     */
    public static List<Path> perDocument(Path requested, List<String> documentIds) {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(documentIds, "documentIds");
        if (documentIds.size() <= 1) return documentIds.isEmpty() ? List.of() : List.of(requested);
        Path name = requested.getFileName();
        if (name == null) throw new IllegalArgumentException("plot path " + requested + " has no file name");
        String file = name.toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        String ext = dot > 0 ? file.substring(dot) : "";
        Set<String> taken = new HashSet<>();
        List<Path> out = new ArrayList<>(documentIds.size());
        for (int i = 0; i < documentIds.size(); i++) {
            String id = sanitize(Objects.requireNonNull(documentIds.get(i), "document id"));
            if (id.isEmpty()) id = "doc-" + (i + 1);
            String candidate = stem + "-" + id;
            for (int k = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); k++) candidate = stem + "-" + id + "-" + k;
            out.add(requested.resolveSibling(candidate + ext));
        }
        return List.copyOf(out);
    }

    /**
     * A file-name-safe form of an id: runs of characters other than ASCII letters, digits, '.', '_' and '-' become
     * one '-', leading and trailing '.', '_' and '-' are dropped, and the result is cut to {@value #MAX_ID}
     * characters. May be empty.
     */
    public static String sanitize(String id) {
        String s = id.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[._-]+|[._-]+$", "");
        if (s.length() > MAX_ID) s = s.substring(0, MAX_ID).replaceAll("[._-]+$", "");
        return s;
    }
}
