package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobState;
import io.ringmem.cluster.ClusterOptions;
import io.ringmem.cluster.ServerTls;
import io.ringmem.cluster.ServiceHttp;
import io.ringmem.coordinator.auth.AccessFilter;
import io.ringmem.coordinator.auth.ApiKeys;
import io.ringmem.coordinator.auth.AuditLog;
import io.ringmem.coordinator.auth.KeyLimits;
import io.ringmem.coordinator.auth.RateLimiter;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.tokenizer.Tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A coordinator as {@code CoordinatorNode} assembles it, over a real single-member Hazelcast cluster on loopback and
 * the real REST server with authentication on, but with the given {@link WorkerGateway}; plus a small HTTP client for
 * the tests that sends {@link #KEY} unless told otherwise.
 *
 * <p>Keys: {@link #KEY} (user {@code tester}, practically unlimited), {@link #OTHER_KEY} (user {@code other}),
 * {@link #ADMIN_KEY} (admin {@code ops}) and {@link #LIMITED_KEY} (user {@code limited}: burst 2, 1 active job). The
 * rate limiter's clock is {@link #clock} (nanoseconds), which only the test moves; audit lines go to {@link #audit()}.
 */
final class TestCoordinator implements AutoCloseable {
    static final String MODEL = "tinystories-656k";
    static final String KEY = "tester-0123456789abcdef0123456789";
    static final String OTHER_KEY = "other-0123456789abcdef0123456789";
    static final String ADMIN_KEY = "admin-0123456789abcdef0123456789";
    static final String LIMITED_KEY = "limited-0123456789abcdef01234567";
    /** The lines of a keys file holding the four keys (the admin's as a hash). */
    static final List<String> KEY_LINES = List.of("# test keys", "tester:" + KEY + ":user:rate=1000000,burst=1000000,jobs=1000000",
            "other:" + OTHER_KEY + "::rate=1000000,burst=1000000,jobs=1000000",
            "ops:{sha256}" + HexFormat.of().formatHex(ApiKeys.sha256(ADMIN_KEY)) + ":admin:rate=1000000,burst=1000000",
            "limited:" + LIMITED_KEY + ":user:rate=1,burst=2,jobs=1");

    final AtomicLong clock = new AtomicLong();
    private final ByteArrayOutputStream auditBytes = new ByteArrayOutputStream();
    private final AuditLog auditLog = AuditLog.to(auditBytes, line -> { });

    final HazelcastInstance member;
    final JobStore store;
    final JobRunner runner;
    final CoordinatorService service;
    final ServiceHttp http;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    TestCoordinator(WorkerGateway gateway, Tokenizer tokenizer, int vocabSize, RunnerSettings settings, Predicate<String> processed) {
        this(gateway, tokenizer, vocabSize, settings, processed, JobLimits.defaults(), RestApi.DEFAULT_MAX_REQUEST_BYTES);
    }

    TestCoordinator(WorkerGateway gateway, Tokenizer tokenizer, int vocabSize, RunnerSettings settings, Predicate<String> processed,
                    JobLimits limits, long maxRequestBytes) {
        this(gateway, tokenizer, vocabSize, settings, processed, limits, maxRequestBytes, Optional.empty());
    }

    /** @param tls HTTPS with these PEM files ({@link #send} speaks plain HTTP: use a {@code RingmemClient}) */
    TestCoordinator(WorkerGateway gateway, Tokenizer tokenizer, int vocabSize, RunnerSettings settings, Predicate<String> processed,
                    JobLimits limits, long maxRequestBytes, Optional<ServerTls> tls) {
        int port = freePort();
        String name = "ringmem-test-" + port;
        ClusterOptions cluster = new ClusterOptions(name, List.of("127.0.0.1:" + port), port, Optional.of("127.0.0.1"),
                Optional.empty(), "none", 10);
        member = Hazelcast.newHazelcastInstance(cluster.memberConfig(name,
                Map.of(ClusterNames.ATTR_ROLE, ClusterNames.ROLE_COORDINATOR), new ConcurrentHashMap<>()));
        try {
            store = new HazelcastJobStore(member);
            CoordinatorMetrics meters = new CoordinatorMetrics(metrics);
            runner = new JobRunner(store, gateway, settings, tokenizer, meters, log::add, job -> { });
            JobValidator validator = new JobValidator(MODEL, vocabSize, tokenizer, limits, processed);
            service = new CoordinatorService(store, validator, runner, meters, gateway);
            RestApi api = new RestApi(service, log::add, maxRequestBytes);
            AccessFilter access = new AccessFilter(Optional.of(ApiKeys.parse(KEY_LINES, "test keys", KeyLimits.DEFAULTS)),
                    new RateLimiter(clock::get), auditLog);
            http = ServiceHttp.start("127.0.0.1", 0, maxRequestBytes, tls, () -> true, metrics, app -> {
                access.install(app);
                api.install(app);
            });
        } catch (RuntimeException | Error e) {
            member.shutdown();
            throw e;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Response(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String error() {
            JsonNode e = json().get("error");
            if (e == null) throw new AssertionError("no error field in " + body);
            return e.asText();
        }

        Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }
    }

    /** The audit lines written so far. */
    List<String> audit() {
        synchronized (auditLog) {
            return auditBytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    Response send(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body, KEY);
    }

    /** @param key sent as {@code Authorization: Bearer KEY}; null: no Authorization header */
    Response send(String method, String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) b.header("Authorization", "Bearer " + key);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r);
    }

    /** GET with one header of the test's choice (and no other credentials). */
    HttpResponse<String> rawGet(String path, String header, String value) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).timeout(Duration.ofSeconds(30))
                .header(header, value).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    int port() {
        return http.port();
    }

    Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    Response post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    Response post(JobRequest request) throws IOException, InterruptedException {
        return post("/v1/jobs", json.writeValueAsString(request));
    }

    /** Polls the job's status until its state is {@code state} (or another finished one); fails after a minute. */
    JsonNode awaitState(String id, JobState state) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode s;
        do {
            s = get("/v1/jobs/" + id).json();
            JobState now = JobState.valueOf(s.get("state").asText());
            if (now == state || now.finished()) break;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        if (!state.name().equals(s.get("state").asText())) {
            throw new AssertionError("job " + id + " is not " + state + ": " + s + "\nlog: " + log);
        }
        return s;
    }

    @Override
    public void close() {
        runner.close();
        http.close();
        auditLog.close();
        member.shutdown();
    }
}
