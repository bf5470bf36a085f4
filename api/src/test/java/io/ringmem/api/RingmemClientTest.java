package io.ringmem.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingmemClient} against a JDK {@link HttpServer} that answers with canned bodies in the shapes of
 * docs/cluster.md: parsing of every answer type, and the failures (server error messages, bodies that are not
 * JSON, no server, timeouts). The coordinator module tests the client against the real REST API.
 */
class RingmemClientTest {
    private static final String STATUS = "{\"id\":\"job-1\",\"state\":\"%s\",\"task\":\"score\",\"submittedAt\":\"2026-01-01T00:00:00Z\","
            + "\"updatedAt\":\"2026-01-01T00:00:01Z\",\"attempts\":0,\"progress\":{\"documentsDone\":%d,\"documentsTotal\":1,"
            + "\"segmentsDone\":%d,\"segmentsTotal\":2,\"fraction\":%s},\"futureField\":1}";

    private HttpServer server;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<String> bodies = new ArrayList<>();

    interface Handler {
        void handle(HttpExchange x) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            String key = x.getRequestMethod() + " " + x.getRequestURI().getPath();
            synchronized (bodies) {
                bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            Handler h = routes.get(key);
            if (h == null) reply(x, 404, "{\"error\":\"no endpoint " + key + "\"}");
            else h.handle(x);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private RingmemClient client(Duration requestTimeout) {
        return new RingmemClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), Duration.ofSeconds(5),
                requestTimeout, Duration.ofMillis(10));
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) x.getResponseBody().write(b);
        x.close();
    }

    private void route(String key, int status, String body) {
        routes.put(key, x -> reply(x, status, body));
    }

    @Test
    void submitSendsTheRequestAsDocumentedAndReadsTheStatus() throws Exception {
        route("POST /v1/jobs", 202, STATUS.formatted("QUEUED", 0, 0, "0.0"));
        JobRequest request = JobRequest.builder("score").documents(JobRequest.DocumentInput.text("a", "Once"),
                JobRequest.DocumentInput.tokens("b", 1, 2)).workers(2).segmentTokens(128).kvKeepRatio(0.5).tokenNll(true).build();
        JobStatus s = client(Duration.ofSeconds(5)).submit(request);
        assertEquals("job-1", s.id());
        assertEquals(JobState.QUEUED, s.state());
        assertEquals(2, s.progress().segmentsTotal());
        assertNull(s.workers());
        assertEquals(1767225600L, s.submitted().getEpochSecond());
        assertEquals("{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"text\":\"Once\"},{\"id\":\"b\",\"tokens\":[1,2]}],"
                + "\"workers\":2,\"segmentTokens\":128,\"kvKeepRatio\":0.5,\"tokenNll\":true}", bodies.getFirst());
    }

    @Test
    void resultsOfEveryTaskAreTyped() {
        RingmemClient c = client(Duration.ofSeconds(5));
        route("GET /v1/jobs/s/result", 200, "{\"id\":\"s\",\"task\":\"embed\",\"workers\":3,\"seconds\":1.5,\"documents\":[{\"id\":\"d\","
                + "\"tokens\":5,\"meanNll\":2.0,\"perplexity\":7.38,\"seconds\":1.0,\"tokensPerSecond\":5.0,\"ringWaitSeconds\":0.1,"
                + "\"storeBytes\":100,\"compressionRatio\":3.5,\"segments\":[{\"index\":0,\"start\":0,\"end\":5,\"workers\":3,"
                + "\"seconds\":1.0,\"meanNll\":null,\"embedding\":[0.5,1.5]}],\"embedding\":[0.25,0.75],\"nll\":[1,2,3,4]}]}");
        DocumentsResult s = assertInstanceOf(DocumentsResult.class, c.result("s"));
        DocumentResult d = s.documents().getFirst();
        assertEquals(3, s.workers());
        assertEquals(100, d.storeBytes());
        assertEquals(3.5, d.compressionRatio());
        assertNull(d.segments().getFirst().meanNll());
        assertArrayEquals(new float[]{0.25f, 0.75f}, d.embedding());
        assertArrayEquals(new double[]{1, 2, 3, 4}, d.nll());

        route("GET /v1/jobs/a/result", 200, "{\"id\":\"a\",\"task\":\"ask\",\"documents\":[{\"id\":\"d\",\"answer\":null,\"tokens\":2,"
                + "\"worker\":\"w1\",\"ids\":[5,6]}]}");
        AskResult a = assertInstanceOf(AskResult.class, c.result("a"));
        assertNull(a.documents().getFirst().answer());
        assertArrayEquals(new int[]{5, 6}, a.documents().getFirst().ids());

        route("GET /v1/jobs/g/result", 200,
                "{\"id\":\"g\",\"task\":\"generate\",\"text\":\"hi\",\"tokens\":1,\"worker\":\"w2\",\"ids\":[7]}");
        GenerateResult g = assertInstanceOf(GenerateResult.class, c.result("g"));
        assertEquals("hi", g.text());
    }

    @Test
    void listWorkersClusterHealthAndCancel() {
        RingmemClient c = client(Duration.ofSeconds(5));
        route("GET /v1/jobs", 200, "[" + STATUS.formatted("RUNNING", 0, 1, "0.5") + "]");
        route("GET /v1/workers", 200, "[{\"name\":\"worker-1\",\"ring\":\"10.0.0.1:7000\"}]");
        route("GET /v1/cluster", 200, "{\"members\":4,\"workers\":3,\"safe\":true}");
        route("DELETE /v1/jobs/job-1", 200, STATUS.formatted("CANCELLED", 0, 1, "0.5"));
        route("GET /health/ready", 503, "");
        assertEquals(JobState.RUNNING, c.list().getFirst().state());
        assertEquals(List.of(new WorkerInfo("worker-1", "10.0.0.1:7000")), c.workers());
        assertEquals(new ClusterInfo(4, 3, true), c.cluster());
        assertEquals(JobState.CANCELLED, c.cancel("job-1").state());
        assertFalse(c.health());
        route("GET /health/ready", 200, "");
        assertTrue(c.health());
    }

    @Test
    void awaitCompletionReportsEachChangeOnce() {
        AtomicInteger calls = new AtomicInteger();
        routes.put("GET /v1/jobs/job-1", x -> {
            int n = calls.getAndIncrement();
            reply(x, 200, n < 2 ? STATUS.formatted("RUNNING", 0, 0, "0.0") : n < 4 ? STATUS.formatted("RUNNING", 0, 1, "0.5")
                    : STATUS.formatted("SUCCEEDED", 1, 2, "1.0"));
        });
        List<JobStatus> seen = new ArrayList<>();
        JobStatus last = client(Duration.ofSeconds(5)).awaitCompletion("job-1", Duration.ofSeconds(10), seen::add);
        assertEquals(JobState.SUCCEEDED, last.state());
        assertEquals(List.of(0, 1, 2), seen.stream().map(s -> s.progress().segmentsDone()).toList());
        assertEquals(5, calls.get());
    }

    @Test
    void awaitCompletionGivesUpAfterItsTimeout() {
        route("GET /v1/jobs/job-1", 200, STATUS.formatted("RUNNING", 0, 0, "0.0"));
        RingmemClientException e = assertThrows(RingmemClientException.class,
                () -> client(Duration.ofSeconds(5)).awaitCompletion("job-1", Duration.ofMillis(100), s -> { }));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    }

    @Test
    void refusalsCarryStatusAndTheServersMessage() {
        route("POST /v1/jobs", 400, "{\"error\":\"unknown kvCodec 'zip': use one of none, int8, int4, int2\"}");
        route("GET /v1/jobs/job-9/result", 409, "{\"error\":\"job 'job-9' is RUNNING; the result is not ready yet\"}");
        route("GET /v1/jobs/boom", 500, "<html>proxy error</html>");
        RingmemClient c = client(Duration.ofSeconds(5));
        RingmemClientException bad = assertThrows(RingmemClientException.class, () -> c.submit(JobRequest.builder("score")
                .kvCodec("zip").build()));
        assertEquals(400, bad.status());
        assertEquals("unknown kvCodec 'zip': use one of none, int8, int4, int2", bad.getMessage());
        RingmemClientException running = assertThrows(RingmemClientException.class, () -> c.result("job-9"));
        assertEquals(409, running.status());
        assertTrue(running.getMessage().contains("not ready"), running.getMessage());
        RingmemClientException unknown = assertThrows(RingmemClientException.class, () -> c.status("nope"));
        assertEquals(404, unknown.status());
        RingmemClientException html = assertThrows(RingmemClientException.class, () -> c.status("boom"));
        assertEquals(500, html.status());
        assertEquals("HTTP 500: <html>proxy error</html>", html.getMessage());
    }

    @Test
    void anUnreachableOrSlowServerIsStatusZero() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        RingmemClient nobody = new RingmemClient(URI.create("http://127.0.0.1:" + free), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofMillis(10));
        RingmemClientException e = assertThrows(RingmemClientException.class, nobody::list);
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("cannot reach the coordinator"), e.getMessage());

        routes.put("GET /v1/jobs", x -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            reply(x, 200, "[]");
        });
        RingmemClientException slow = assertThrows(RingmemClientException.class, () -> client(Duration.ofMillis(200)).list());
        assertEquals(0, slow.status());
        assertTrue(slow.getMessage().contains("timed out"), slow.getMessage());
    }

    @Test
    void aUrlThatIsNotHttpIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingmemClient.of("localhost:8080"));
        assertTrue(e.getMessage().contains("http(s) URL"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingmemClient.of("http://exa mple"));
    }

    @Test
    void anApiKeyGoesAsABearerHeaderOnEveryRequestAndNowhereElse() throws Exception {
        String key = "k-0123456789abcdef0123456789";
        List<String> seen = new ArrayList<>();
        routes.put("GET /v1/jobs", x -> {
            synchronized (seen) {
                seen.add(x.getRequestHeaders().getFirst("Authorization"));
            }
            reply(x, 200, "[]");
        });
        routes.put("GET /health/ready", x -> {
            synchronized (seen) {
                seen.add(x.getRequestHeaders().getFirst("Authorization"));
            }
            reply(x, 401, "{\"error\":\"invalid API key\"}");
        });
        RingmemClient c = RingmemClient.builder("http://127.0.0.1:" + server.getAddress().getPort()).apiKey(" " + key + "\n").build();
        assertTrue(c.list().isEmpty());
        RingmemClientException refused = assertThrows(RingmemClientException.class, c::health);
        assertEquals(401, refused.status());
        assertEquals("invalid API key", refused.getMessage());
        assertEquals(List.of("Bearer " + key, "Bearer " + key), seen, "the key is stripped of blanks and sent each time");
        assertFalse(c.toString().contains(key), c.toString());
        assertFalse(refused.getMessage().contains(key));
        RingmemClient none = client(Duration.ofSeconds(5));
        none.list();
        assertNull(seen.getLast(), "no key, no header");
        assertThrows(IllegalArgumentException.class, () -> RingmemClient.builder("http://127.0.0.1:1").apiKey("two words").build());
    }
}
