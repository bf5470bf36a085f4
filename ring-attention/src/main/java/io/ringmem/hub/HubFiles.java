package io.ringmem.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which files of a repository to download: the small config and tokenizer files that are present, then the
 * weights ({@code model.safetensors}; else {@code model.safetensors.index.json} and its shards; else one
 * {@code *.gguf}). Pure functions of the listing (and of the downloaded index for the shards).
 */
final class HubFiles {
    static final String CONFIG = "config.json";
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    /** Optional files fetched when the repository has them, in this order. */
    static final List<String> METADATA = List.of(CONFIG, "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json");
    /** GGUF types the loader reads, most preferred first, as they appear in file names. */
    private static final List<String> GGUF_PREFERENCE = List.of("Q8_0", "F16", "BF16", "F32", "Q4_0");
    private static final Pattern GGUF_TYPE = Pattern.compile("(?i)(?:^|[._-])(Q8_0|BF16|F16|F32|Q4_0)(?=[.-])");
    private static final Pattern GGUF_SPLIT = Pattern.compile("(?i).*-\\d{5}-of-\\d{5}\\.gguf");
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubFiles() {
    }

    /** How the weights are stored. */
    enum Kind { SAFETENSORS, SHARDED, GGUF }

    /**
     * The chosen weights.
     *
     * @param file the weights file, or the index for {@link Kind#SHARDED}
     */
    record Weights(String file, Kind kind) {
        Weights {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** The metadata files of {@link #METADATA} that the listing has. */
    static List<String> metadata(RepoListing listing) {
        return METADATA.stream().filter(listing::has).toList();
    }

    /**
     * Picks the weights.
     *
     * @param notice receives a one-line remark when one of several GGUF files was picked
     * @throws RingmemException when the repository has only PyTorch {@code .bin} weights, no usable weights (the
     *                          message lists its files), safetensors without {@code config.json}, or several GGUF
     *                          files none of which names a type the loader reads
     */
    static Weights weights(ModelSource.HubRepo repo, RepoListing listing, Consumer<String> notice) {
        Weights w;
        if (listing.has(SINGLE)) w = new Weights(SINGLE, Kind.SAFETENSORS);
        else if (listing.has(INDEX)) w = new Weights(INDEX, Kind.SHARDED);
        else w = gguf(repo, listing, notice);
        if (w == null) {
            List<String> bins = listing.files().stream().map(RepoListing.RepoFile::name)
                    .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".bin")).toList();
            if (bins.stream().anyMatch(n -> n.contains("pytorch_model"))) {
                throw new RingmemException(repo.describe() + " has only PyTorch weights (" + String.join(", ", bins)
                        + "), which Ringmem does not read; use a repository with model.safetensors or a GGUF file");
            }
            throw new RingmemException(repo.describe() + " has no usable weights (model.safetensors, "
                    + "model.safetensors.index.json or *.gguf); it has: " + listing.describeNames(30));
        }
        if (w.kind() != Kind.GGUF && !listing.has(CONFIG)) {
            throw new RingmemException(repo.describe() + " has " + w.file() + " but no config.json");
        }
        return w;
    }

    private static Weights gguf(ModelSource.HubRepo repo, RepoListing listing, Consumer<String> notice) {
        List<String> all = listing.files().stream().map(RepoListing.RepoFile::name)
                .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".gguf")).toList();
        List<String> whole = all.stream()
                .filter(n -> !GGUF_SPLIT.matcher(n).matches() && !baseName(n).toLowerCase(Locale.ROOT).startsWith("mmproj"))
                .toList();
        if (whole.isEmpty()) {
            if (all.isEmpty()) return null;
            throw new RingmemException(repo.describe() + " has only split or projector GGUF files (" + String.join(", ", all)
                    + "), which Ringmem does not read; merge the parts and pass the local path");
        }
        if (whole.size() == 1) return new Weights(whole.get(0), Kind.GGUF);
        List<String> known = whole.stream().filter(n -> rank(n) < GGUF_PREFERENCE.size())
                .sorted(Comparator.comparingInt(HubFiles::rank).thenComparing(Comparator.naturalOrder())).toList();
        if (known.isEmpty()) {
            throw new RingmemException(repo.describe() + " has several GGUF files and none of a type Ringmem reads ("
                    + String.join(", ", GGUF_PREFERENCE) + "): " + String.join(", ", whole)
                    + "; download one and pass its path");
        }
        String pick = known.get(0);
        notice.accept(repo + " has " + whole.size() + " GGUF files; using " + pick + " (preferring "
                + String.join(", ", GGUF_PREFERENCE) + "); to use another, download it and pass its path");
        return new Weights(pick, Kind.GGUF);
    }

    /** Position of the file's type tag in {@link #GGUF_PREFERENCE}, or its size when it has none. */
    private static int rank(String name) {
        Matcher m = GGUF_TYPE.matcher(baseName(name));
        int best = GGUF_PREFERENCE.size();
        while (m.find()) best = Math.min(best, GGUF_PREFERENCE.indexOf(m.group(1).toUpperCase(Locale.ROOT)));
        return best;
    }

    private static String baseName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /**
     * The shard files a downloaded {@code model.safetensors.index.json} names, in first-use order.
     *
     * @throws RingmemException when the index is not JSON, has no {@code weight_map}, or names a file that is not a
     *                          plain relative path or that the listing does not have
     */
    static List<String> shards(ModelSource.HubRepo repo, Path index, RepoListing listing) {
        String where = repo.describe() + ": " + INDEX;
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw new RingmemException(where + " is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new RingmemException(where + ": cannot read the downloaded file: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) throw new RingmemException(where + " has no weight_map");
        Set<String> shards = new LinkedHashSet<>();
        for (JsonNode v : map) {
            if (!v.isTextual()) throw new RingmemException(where + " has a weight_map entry that is not a file name");
            shards.add(v.asText());
        }
        List<String> out = new ArrayList<>();
        for (String s : shards) {
            if (!isSafeRelative(s)) throw new RingmemException(where + " names shard '" + s + "', which is not a relative file path");
            if (!listing.has(s)) throw new RingmemException(where + " names shard " + s + ", which the repository does not have");
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** True for a relative path of plain parts: no empty, "." or ".." part, no backslash or control character. */
    static boolean isSafeRelative(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0) return false;
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == ':')) return false;
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) return false;
        }
        return true;
    }
}
