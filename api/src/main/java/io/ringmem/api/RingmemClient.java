package io.ringmem.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of the coordinator's REST API (docs/cluster.md) on {@code java.net.http} and Jackson. Thread-safe.
 * Every failure is a {@link RingmemClientException}: a non-2xx answer carries its HTTP status and the server's
 * one-line {@code error}; no answer (unreachable, timed out, interrupted) has status 0.
 *
 * <p>Authentication: with an API key ({@link Builder#apiKey}) every request carries {@code Authorization: Bearer KEY};
 * the key never appears in messages or {@link #toString}. HTTPS: the JDK's default trust store, or only the PEM
 * certificates of {@link Builder#trustPem} (a private CA or a self-signed server certificate); host names are verified.
 */
public final class RingmemClient {
    private final URI base;
    private final Duration requestTimeout;
    private final Duration pollInterval;
    private final HttpClient http;
    private final Optional<String> apiKey;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false); // a newer server may add fields

    /**
     * @param base           the coordinator, e.g. {@code http://127.0.0.1:8080}
     * @param connectTimeout how long connecting may take
     * @param requestTimeout how long one request may take in all
     * @param pollInterval   pause between status requests in {@link #awaitCompletion}
     */
    public RingmemClient(URI base, Duration connectTimeout, Duration requestTimeout, Duration pollInterval) {
        this(base, connectTimeout, requestTimeout, pollInterval, Optional.empty(), Optional.empty());
    }

    private RingmemClient(URI base, Duration connectTimeout, Duration requestTimeout, Duration pollInterval, Optional<String> apiKey,
                          Optional<SSLContext> tls) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        if (this.base.getScheme() == null || !this.base.getScheme().startsWith("http") || this.base.getHost() == null) {
            throw badUrl(base.toString());
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException("timeouts must be > 0 and the poll interval >= 0");
        }
        this.requestTimeout = requestTimeout;
        this.pollInterval = pollInterval;
        if (apiKey.isPresent() && (apiKey.get().isEmpty() || !apiKey.get().chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("the API key must be non-empty printable ASCII without spaces");
        }
        this.apiKey = apiKey;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        tls.ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** A builder for {@code url}: 10 s connect timeout, 60 s request timeout, 250 ms polling, no key, default trust. */
    public static Builder builder(String url) {
        try {
            return new Builder(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw badUrl(url);
        }
    }

    /** Options of a {@link RingmemClient}. */
    public static final class Builder {
        private final URI base;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration pollInterval = Duration.ofMillis(250);
        private Optional<String> apiKey = Optional.empty();
        private Optional<SSLContext> tls = Optional.empty();

        private Builder(URI base) {
            this.base = base;
        }

        /** The API key sent as {@code Authorization: Bearer KEY} (null: none). */
        public Builder apiKey(String key) {
            this.apiKey = Optional.ofNullable(key).map(String::strip);
            return this;
        }

        /** Trusts only the certificates in this PEM file (a CA, or the server's self-signed certificate). */
        public Builder trustPem(Path pemFile) {
            this.tls = Optional.of(trusting(pemFile));
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder pollInterval(Duration d) {
            this.pollInterval = d;
            return this;
        }

        public RingmemClient build() {
            return new RingmemClient(base, connectTimeout, requestTimeout, pollInterval, apiKey, tls);
        }
    }

    /** An SSL context whose trust store holds exactly the PEM certificates of {@code file}. */
    static SSLContext trusting(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) throw new IllegalArgumentException("the TLS CA file " + file + " holds no PEM certificate");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS CA file " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS CA file " + file + " is not PEM certificates: " + e.getMessage(), e);
        }
    }

    /** A client with a 10 s connect timeout, 60 s request timeout and 250 ms polling. */
    public static RingmemClient of(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw badUrl(url);
        }
        return new RingmemClient(uri, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(250));
    }

    private static IllegalArgumentException badUrl(String url) {
        return new IllegalArgumentException("the coordinator URL must be an http(s) URL such as http://127.0.0.1:8080, got '" + url + "'");
    }

    @Override
    public String toString() {
        return "RingmemClient[" + base + (apiKey.isPresent() ? ", with an API key" : "") + "]";
    }

    public URI base() {
        return base;
    }

    /** The mapper this client reads and writes the records with (e.g. to print them as JSON). */
    public ObjectMapper json() {
        return json;
    }

    /** {@code POST /v1/jobs}: validates and queues the job; its status (QUEUED). A refusal is a 4xx exception. */
    public JobStatus submit(JobRequest request) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new RingmemClientException(0, "cannot encode the request: " + e.getOriginalMessage(), e);
        }
        return send(request("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), new TypeReference<>() { });
    }

    /** {@code GET /v1/jobs/{id}}; 404 for an unknown job. */
    public JobStatus status(String id) {
        return send(request(job(id)).GET().build(), new TypeReference<>() { });
    }

    /** {@code GET /v1/jobs/{id}/result}; 409 while the job has not SUCCEEDED, 404 for an unknown job. */
    public JobResult result(String id) {
        return send(request(job(id) + "/result").GET().build(), new TypeReference<>() { });
    }

    /** {@code DELETE /v1/jobs/{id}}: cancels a queued or running job; its status. */
    public JobStatus cancel(String id) {
        return send(request(job(id)).DELETE().build(), new TypeReference<>() { });
    }

    /** {@code GET /v1/jobs}: every job's status, newest first (follows the pages of {@link #jobs}). */
    public List<JobStatus> list() {
        List<JobStatus> all = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            JobPage page = jobs(JobPage.MAX_LIMIT, after);
            all.addAll(page.jobs());
            after = page.next();
        } while (after.isPresent());
        return all;
    }

    /**
     * {@code GET /v1/jobs?limit=&after=}: one page of jobs, newest first; pass {@link JobPage#next} as {@code after} for
     * the next one. A job submitted while paging appears before the first page, never twice.
     *
     * @param limit 1..{@link JobPage#MAX_LIMIT}
     */
    public JobPage jobs(int limit, Optional<String> after) {
        String query = "?limit=" + limit + after.map(a -> "&after=" + URLEncoder.encode(a, StandardCharsets.UTF_8)).orElse("");
        HttpRequest request = request("/v1/jobs" + query).GET().build();
        HttpResponse<String> r = exchange(request);
        if (r.statusCode() / 100 != 2) throw failure(r);
        try {
            List<JobStatus> jobs = json.readValue(r.body(), new TypeReference<>() { });
            return new JobPage(jobs, r.headers().firstValue(JobPage.NEXT_HEADER));
        } catch (IOException e) {
            throw new RingmemClientException(r.statusCode(), "the coordinator answered GET /v1/jobs with a body this client "
                    + "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * {@code DELETE /v1/documents/{id}}: removes everything stored for the document; 404 when nothing is stored for it,
     * 409 while a queued or running job uses it.
     */
    public DocumentDeletion deleteDocument(String documentId) {
        return send(request("/v1/documents/" + URLEncoder.encode(documentId, StandardCharsets.UTF_8)).DELETE().build(),
                new TypeReference<>() { });
    }

    /** {@code GET /v1/workers}: the workers serving the model. */
    public List<WorkerInfo> workers() {
        return send(request("/v1/workers").GET().build(), new TypeReference<>() { });
    }

    /** {@code GET /v1/cluster}. */
    public ClusterInfo cluster() {
        return send(request("/v1/cluster").GET().build(), new TypeReference<>() { });
    }

    /** {@code GET /health/ready}: true on 200, false on 503; other failures throw. */
    public boolean health() {
        HttpResponse<String> r = exchange(request("/health/ready").GET().build());
        if (r.statusCode() == 503) return false;
        if (r.statusCode() / 100 != 2) throw failure(r);
        return true;
    }

    /**
     * Polls the job's status until it is SUCCEEDED, FAILED or CANCELLED and returns that status (this method does
     * not throw for a failed job: look at {@code state} and {@code error}).
     *
     * @param timeout    how long to wait in all; status 0 exception when it passes
     * @param onProgress receives every status whose state or progress changed (first one included)
     */
    public JobStatus awaitCompletion(String id, Duration timeout, Consumer<JobStatus> onProgress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobStatus shown = null;
        while (true) {
            JobStatus s = status(id);
            if (shown == null || s.state() != shown.state() || !s.progress().equals(shown.progress())) {
                onProgress.accept(s);
                shown = s;
            }
            if (s.state().finished()) return s;
            if (System.nanoTime() > deadline) {
                throw new RingmemClientException(0, "job " + id + " did not finish within " + timeout.toSeconds() + " s (it is "
                        + s.state() + ")", null);
            }
            try {
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RingmemClientException(0, "interrupted while waiting for job " + id, e);
            }
        }
    }

    private static String job(String id) {
        return "/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b;
    }

    private <T> T send(HttpRequest request, TypeReference<T> type) {
        HttpResponse<String> r = exchange(request);
        if (r.statusCode() / 100 != 2) throw failure(r);
        try {
            return json.readValue(r.body(), type);
        } catch (IOException e) {
            throw new RingmemClientException(r.statusCode(), "the coordinator answered " + request.method() + " " + request.uri().getPath()
                    + " with a body this client cannot read: " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new RingmemClientException(0, "cannot reach the coordinator at " + base + " (is it running?)", e);
        } catch (SSLHandshakeException e) {
            throw new RingmemClientException(0, "TLS handshake with " + base + " failed (is --tls-ca the server's CA?): "
                    + e.getMessage(), e);
        } catch (HttpTimeoutException e) {
            throw new RingmemClientException(0, request.method() + " " + request.uri().getPath() + " timed out at " + base, e);
        } catch (IOException e) {
            throw new RingmemClientException(0, "request to " + base + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingmemClientException(0, "interrupted", e);
        }
    }

    /** The server's {@code error} message when the body has one, else the status and body. */
    private RingmemClientException failure(HttpResponse<String> r) {
        String message;
        try {
            ApiError e = json.readValue(r.body(), ApiError.class);
            message = e.error() != null ? e.error() : "HTTP " + r.statusCode() + ": " + r.body();
        } catch (IOException | IllegalArgumentException e) {
            String body = r.body() == null ? "" : r.body().strip();
            message = "HTTP " + r.statusCode() + (body.isEmpty() ? "" : ": " + body.lines().findFirst().orElse(""));
        }
        return new RingmemClientException(r.statusCode(), message, null);
    }
}
