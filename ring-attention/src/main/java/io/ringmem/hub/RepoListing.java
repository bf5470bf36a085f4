package io.ringmem.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of a Hub repository at one revision, from {@code GET /api/models/ORG/NAME/revision/REV}.
 *
 * @param commit the commit the revision pointed at ({@code "sha"}), or null when the listing did not say or it is
 *               not a 40-digit hex hash
 * @param files  the repository's files in listing order
 */
record RepoListing(String commit, List<RepoFile> files) {
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    RepoListing {
        files = List.copyOf(files);
        if (commit != null && !SHA1.matcher(commit).matches()) commit = null;
    }

    /**
     * One file of the listing.
     *
     * @param name   path inside the repository ({@code "rfilename"})
     * @param size   bytes, or -1 when unknown (the listing has sizes only when asked with {@code blobs=true})
     * @param sha256 lowercase hex SHA-256 of the content for files kept in LFS, else null
     */
    record RepoFile(String name, long size, String sha256) {
        RepoFile {
            Objects.requireNonNull(name, "name");
            if (size < -1) throw new IllegalArgumentException("size " + size);
            if (sha256 != null && !SHA256.matcher(sha256).matches()) sha256 = null;
        }
    }

    /**
     * Reads the listing JSON; entries without a text {@code rfilename} are skipped.
     *
     * @throws IllegalArgumentException when there is no {@code siblings} array
     */
    static RepoListing fromJson(JsonNode root) {
        JsonNode siblings = root == null ? null : root.get("siblings");
        if (siblings == null || !siblings.isArray()) throw new IllegalArgumentException("no \"siblings\" array");
        Map<String, RepoFile> files = new LinkedHashMap<>();
        for (JsonNode s : siblings) {
            JsonNode n = s.get("rfilename");
            if (n == null || !n.isTextual() || n.asText().isEmpty()) continue;
            JsonNode lfs = s.get("lfs");
            long size = sizeOf(lfs != null && lfs.has("size") ? lfs.get("size") : s.get("size"));
            String sha = lfs != null && lfs.hasNonNull("sha256") ? lfs.get("sha256").asText() : null;
            files.putIfAbsent(n.asText(), new RepoFile(n.asText(), size, sha));
        }
        JsonNode sha = root.get("sha");
        return new RepoListing(sha != null && sha.isTextual() ? sha.asText() : null, List.copyOf(files.values()));
    }

    private static long sizeOf(JsonNode n) {
        return n != null && n.canConvertToLong() && n.asLong() >= 0 ? n.asLong() : -1;
    }

    Optional<RepoFile> find(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    boolean has(String name) {
        return find(name).isPresent();
    }

    /** The file names, for messages: at most {@code max} of them, then "and N more". */
    String describeNames(int max) {
        if (files.isEmpty()) return "no files";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(max, files.size()); i++) b.append(i == 0 ? "" : ", ").append(files.get(i).name());
        if (files.size() > max) b.append(" and ").append(files.size() - max).append(" more");
        return b.toString();
    }
}
