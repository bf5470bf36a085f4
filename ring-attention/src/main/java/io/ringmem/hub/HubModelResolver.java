package io.ringmem.hub;

import io.ringmem.RingmemException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a {@link ModelSource} into a path that {@code ModelLoader.load} accepts. A local path is returned as given.
 * A Hub repository is downloaded on first use into {@code CACHE/hf/ORG/NAME/REVISION/} and read from there without
 * any network request once complete:
 * <ol>
 *   <li>{@code GET ENDPOINT/api/models/ORG/NAME/revision/REV?blobs=true} lists the files (and, on the real Hub,
 *       their sizes, LFS hashes and the commit the revision points at);</li>
 *   <li>the files present among config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
 *       tokenizer.model, special_tokens_map.json are fetched, then the weights: {@code model.safetensors}, else
 *       {@code model.safetensors.index.json} and every shard it names, else one {@code *.gguf} (with several, the
 *       first of Q8_0, F16, BF16, F32, Q4_0 by name, reported through {@link DownloadProgress#notice});</li>
 *   <li>each file comes from {@code ENDPOINT/ORG/NAME/resolve/COMMIT/FILE} (the listed commit, so that all files
 *       are of one commit even if the branch moves; the revision when the listing has no commit), redirects
 *       followed, into a temporary name, checked against Content-Length, the listed size and SHA-256, then moved
 *       into place; a completion marker is written last.</li>
 * </ol>
 * The returned path is the folder for safetensors repositories and the {@code .gguf} file for GGUF ones.
 *
 * <p>An incomplete folder (no marker, or a listed file missing or of the wrong size) is downloaded again in full:
 * nothing from an interrupted run is trusted except through the marker. The token is sent as
 * {@code Authorization: Bearer} only to the endpoint's own origin, not to hosts it redirects to.
 *
 * <p>Not guaranteed: a complete cache is never refreshed, so {@code @main} stays at the commit first downloaded
 * until its folder is deleted; the body of a stalled download has no read timeout (only the response headers
 * have one); two resolves of one repository at once in the same process fail (the second is told so), while
 * separate processes wait for each other through a file lock. Thread-safe otherwise (no mutable state).
 */
public final class HubModelResolver {
    /** The public Hugging Face Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    private final URI endpoint;
    private final HubCache cache;
    private final HubHttp http;
    private final DownloadProgress progress;

    /**
     * @param endpoint  the Hub's base URL (http or https, may have a path prefix), e.g. {@link #DEFAULT_ENDPOINT}
     * @param cacheRoot the cache folder (created when needed), e.g. {@code ~/.cache/ringmem}
     * @param token     an access token for private or gated repositories, or null (blank counts as none)
     * @param client    the HTTP client; one that does not follow redirects itself (like
     *                  {@link #defaultHttpClient()}) keeps the token from being forwarded to other hosts
     * @param progress  receives per-file progress and notices
     * @throws RingmemException when the endpoint is not an absolute http(s) URL with a host
     */
    public HubModelResolver(URI endpoint, Path cacheRoot, String token, HttpClient client, DownloadProgress progress) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cacheRoot, "cacheRoot");
        Objects.requireNonNull(client, "client");
        this.progress = Objects.requireNonNull(progress, "progress");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null
                || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new RingmemException("hub endpoint '" + endpoint + "' must be an http:// or https:// URL with a host"
                    + " and no query");
        }
        this.endpoint = endpoint;
        String t = token == null || token.isBlank() ? null : token.strip();
        this.cache = new HubCache(cacheRoot);
        this.http = new HubHttp(endpoint, t, client);
    }

    /** An HTTP client for {@link #HubModelResolver}: redirects left to the resolver, 30 s connect timeout. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * The path to load: a local source unchanged (not checked); for a Hub repository the cached folder, or the
     * cached {@code .gguf} file, downloading first unless the cache is complete.
     *
     * @throws RingmemException with a one-line message when the repository or revision does not exist (404),
     *                          access is refused (401/403: set HF_TOKEN), the endpoint cannot be reached, the
     *                          repository has no usable weights, a download is cut short or corrupt (running again
     *                          retries), or the cache cannot be written
     */
    public Path resolve(ModelSource source) {
        Objects.requireNonNull(source, "source");
        return switch (source) {
            case ModelSource.LocalPath local -> local.path();
            case ModelSource.HubRepo repo -> resolveHub(repo);
        };
    }

    /** Where {@code repo} is (or would be) cached; nothing is checked or created. */
    public Path cacheFolder(ModelSource.HubRepo repo) {
        return cache.dir(Objects.requireNonNull(repo, "repo"));
    }

    @SuppressWarnings("try") // the lock is only held, never used
    private Path resolveHub(ModelSource.HubRepo repo) {
        Optional<Path> done = cache.completed(repo);
        if (done.isPresent()) return done.get();
        try (HubCache.Lock ignored = cache.lock(repo,
                () -> progress.notice("waiting for another process that is downloading " + repo))) {
            done = cache.completed(repo);
            return done.isPresent() ? done.get() : download(repo);
        }
    }

    private Path download(ModelSource.HubRepo repo) {
        cache.unmark(repo);
        cache.removeLeftovers(repo);
        RepoListing listing = http.listing(repo);
        HubFiles.Weights weights = HubFiles.weights(repo, listing, progress::notice);
        String revision = listing.commit() != null ? listing.commit() : repo.revision();
        List<String> files = new ArrayList<>(HubFiles.metadata(listing));
        files.add(weights.file());
        for (String f : files) fetch(repo, revision, listing, f);
        Path dir = cache.dir(repo);
        if (weights.kind() == HubFiles.Kind.SHARDED) {
            for (String shard : HubFiles.shards(repo, dir.resolve(weights.file()), listing)) {
                if (files.contains(shard)) continue;
                fetch(repo, revision, listing, shard);
                files.add(shard);
            }
        }
        String load = weights.kind() == HubFiles.Kind.GGUF ? weights.file() : "";
        try {
            cache.markComplete(repo, new HubCache.Marker(repo.repoId(), repo.revision(), listing.commit(),
                    HubCache.sizes(dir, files), load));
        } catch (IOException e) {
            throw HubCache.cannotWrite(dir, e);
        }
        return load.isEmpty() ? dir : dir.resolve(load);
    }

    private void fetch(ModelSource.HubRepo repo, String revision, RepoListing listing, String file) {
        if (!HubFiles.isSafeRelative(file)) {
            throw new RingmemException(repo.describe() + " lists a file with an unsafe name: " + file);
        }
        RepoListing.RepoFile entry = listing.find(file).orElseThrow();
        Path target = cache.dir(repo).resolve(file);
        Path temp = null;
        try {
            temp = cache.newTemp(target);
            http.download(repo, revision, file, temp, entry.size(), entry.sha256(), progress);
            cache.install(temp, target);
            temp = null;
        } catch (IOException e) {
            throw HubCache.cannotWrite(cache.dir(repo), e);
        } finally {
            if (temp != null) deleteQuietly(temp);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover .part file is removed by the next run
        }
    }
}
