package io.ringmem.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The HTTP side of the Hub: the listing request and file downloads, with redirects followed here (up to
 * {@value #MAX_REDIRECTS}) so that the token is sent only to the endpoint's own origin, never to a CDN it redirects
 * to. Every failure is a {@link RingmemException} with a one-line message naming the repository and the endpoint.
 */
final class HubHttp {
    static final int MAX_REDIRECTS = 10;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);
    private static final long PROGRESS_STEP = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String base;
    private final String token;
    private final HttpClient http;

    /** @param token a bearer token, or null to send none */
    HubHttp(URI endpoint, String token, HttpClient http) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.token = token;
        this.http = Objects.requireNonNull(http, "http");
        String s = endpoint.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Fetches the repository's file list at its revision (asking for sizes and hashes). */
    RepoListing listing(ModelSource.HubRepo repo) {
        URI uri = URI.create(base + "/api/models/" + repo.org() + "/" + repo.name() + "/revision/"
                + encode(repo.revision(), true) + "?blobs=true");
        HttpResponse<InputStream> r = open(uri, repo, "the file list");
        try (InputStream in = r.body()) {
            check(r, repo, null);
            JsonNode root = JSON.readTree(in);
            return RepoListing.fromJson(root);
        } catch (IOException | IllegalArgumentException e) {
            throw new RingmemException("unexpected file list for " + repo.describe() + " from " + endpoint + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Downloads one file into {@code target}, which must be a new empty file (the caller's temporary name), checking
     * the length against Content-Length and the listing, and the SHA-256 when the listing gives one.
     *
     * @param revision the revision or commit to put in the URL
     * @param expected the size from the listing, or -1
     * @param sha256   the expected hex SHA-256, or null
     */
    void download(ModelSource.HubRepo repo, String revision, String file, Path target, long expected, String sha256,
                  DownloadProgress progress) {
        URI uri = URI.create(base + "/" + repo.org() + "/" + repo.name() + "/resolve/" + encode(revision, true) + "/"
                + encode(file, false));
        HttpResponse<InputStream> r = open(uri, repo, file);
        long done = 0;
        try (InputStream in = r.body(); FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
            check(r, repo, file);
            OptionalLong header = r.headers().firstValueAsLong("Content-Length");
            long total = expected >= 0 ? expected : header.orElse(-1);
            MessageDigest digest = sha256 == null ? null : sha256();
            progress.bytes(file, 0, total);
            byte[] buf = new byte[1 << 16];
            long reported = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) out.write(bb);
                if (digest != null) digest.update(buf, 0, n);
                done += n;
                if (done - reported >= PROGRESS_STEP) {
                    progress.bytes(file, done, total);
                    reported = done;
                }
            }
            out.force(true);
            if (header.isPresent() && header.getAsLong() != done) throw cutShort(repo, file, done, header.getAsLong());
            if (expected >= 0 && expected != done) throw cutShort(repo, file, done, expected);
            if (digest != null && !HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                throw new RingmemException("download of " + file + " for " + repo.describe() + " from " + endpoint
                        + " does not match its SHA-256 in the file list; run again to retry");
            }
            progress.bytes(file, done, total);
        } catch (IOException e) {
            throw new RingmemException("download of " + file + " for " + repo.describe() + " from " + endpoint
                    + " failed after " + done + " bytes (" + describe(e) + "); run again to retry", e);
        }
    }

    private RingmemException cutShort(ModelSource.HubRepo repo, String file, long got, long want) {
        return new RingmemException("download of " + file + " for " + repo.describe() + " from " + endpoint
                + " was cut short: got " + got + " of " + want + " bytes; run again to retry");
    }

    /** Sends a GET, following redirects; the token goes only to the endpoint's origin. */
    private HttpResponse<InputStream> open(URI start, ModelSource.HubRepo repo, String what) {
        URI uri = start;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT).GET()
                    .header("User-Agent", "ringmem");
            if (token != null && sameOrigin(uri, endpoint)) b.header("Authorization", "Bearer " + token);
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw new RingmemException("timed out waiting for " + host(uri) + " (fetching " + what + " of "
                        + repo.describe() + " from " + endpoint + ")", e);
            } catch (IOException e) {
                throw new RingmemException("cannot reach " + (sameOrigin(uri, endpoint) ? endpoint.toString() : host(uri)
                        + ", where " + endpoint + " redirected") + " to fetch " + what + " of " + repo.describe()
                        + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RingmemException("interrupted while fetching " + what + " of " + repo.describe(), e);
            }
            int code = r.statusCode();
            if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) return r;
            closeQuietly(r.body());
            String location = r.headers().firstValue("Location").orElse(null);
            if (location == null || hop >= MAX_REDIRECTS) {
                throw new RingmemException(endpoint + " answered HTTP " + code + " for " + what + " of " + repo.describe()
                        + (location == null ? " without a Location" : " after " + MAX_REDIRECTS + " redirects"));
            }
            try {
                uri = uri.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new RingmemException(endpoint + " redirected " + what + " of " + repo.describe()
                        + " to an invalid address", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new RingmemException(endpoint + " redirected " + what + " of " + repo.describe()
                        + " to " + uri.getScheme() + "://..., which is not an http(s) address");
            }
        }
    }

    /** Throws the user-facing error for a non-200 answer; {@code file} is null for the listing. */
    private void check(HttpResponse<InputStream> r, ModelSource.HubRepo repo, String file) {
        int code = r.statusCode();
        if (code == 200) return;
        String errorCode = r.headers().firstValue("X-Error-Code").orElse("");
        boolean repoMissing = errorCode.equals("RepoNotFound") || errorCode.equals("RevisionNotFound");
        if (repoMissing && (code == 401 || code == 403)) {
            throw new RingmemException("model " + repo.describe() + " not found at " + endpoint
                    + (token == null ? " (if it is private, set HF_TOKEN to a token that can read it)" : ""));
        }
        if (code == 404 || repoMissing || errorCode.equals("EntryNotFound")) {
            if (file == null || repoMissing) throw new RingmemException("model " + repo.describe() + " not found at " + endpoint);
            throw new RingmemException("file " + file + " of " + repo.describe() + " not found at " + endpoint);
        }
        if (code == 401 || code == 403) {
            String why = errorCode.equals("GatedRepo") ? "the model is gated: accept its terms on the Hub, then "
                    : "the repository may be private, gated or missing; ";
            throw new RingmemException(endpoint + " refused access to " + repo.describe() + " (HTTP " + code + "): " + why
                    + (token == null ? "set HF_TOKEN to a token that can read it"
                    : "check that the token in HF_TOKEN is valid and can read it"));
        }
        throw new RingmemException(endpoint + " answered HTTP " + code + " for " + (file == null ? "the file list" : file)
                + " of " + repo.describe());
    }

    /**
     * Percent-encodes a URL path: unreserved characters stay, everything else becomes UTF-8 {@code %XX};
     * {@code '/'} stays unless {@code slash} is true.
     */
    static String encode(String s, boolean slash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' && !slash;
            if (keep) b.append(c);
            else b.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xff));
        }
        return b.toString();
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme())) && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && port(a) == port(b);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String host(URI u) {
        return u.getScheme() + "://" + u.getAuthority();
    }

    /** The exception class and the first message found along its causes, e.g. "ConnectException: unknown host". */
    private static String describe(IOException e) {
        String m = null;
        for (Throwable t = e; t != null && m == null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) m = "unknown host";
            else if (t.getMessage() != null && !t.getMessage().isBlank()) m = firstLine(t.getMessage());
        }
        if (m == null && e instanceof ConnectException) m = "connection refused or unreachable";
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the redirect body is discarded
        }
    }
}
