package io.ringmem.coordinator;

import io.ringmem.TestData;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded resources over real HTTP: request bodies over the limit (declared or streamed), a job's total tokens,
 * every setting's range, strict JSON types, Content-Type, and Jetty's own errors as {@code {"error": ...}} JSON.
 * Its coordinator takes bodies of 1 MiB and jobs of 1000 tokens at most; it has no workers.
 */
class RestLimitsTest {
    private static final long MAX_BODY = 1 << 20;
    private static final String DOC = "\"documents\":[{\"id\":\"d1\",\"tokens\":[1,2,3]}]";
    private static final RunnerSettings SETTINGS = new RunnerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(1), 4, Duration.ofSeconds(1), Duration.ofMinutes(10), 1);
    private static LoadedModel model;
    private static TestCoordinator coordinator;
    /** The header line of the test key, for requests written by hand. */
    private static final String AUTH = "Authorization: Bearer " + TestCoordinator.KEY + "\r\n";
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        JobLimits limits = new JobLimits(600, 10, 8, 64, 1000, 4096, 64);
        coordinator = new TestCoordinator(new FakeGateway(), model.tokenizer(), model.config().vocabSize(), SETTINGS,
                Set.of()::contains, limits, MAX_BODY);
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        if (model != null) model.close();
    }

    private static void refused(int status, String fragment, String body) throws Exception {
        TestCoordinator.Response r = coordinator.post("/v1/jobs", body);
        assertEquals(status, r.status(), r.body());
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"), r.raw().headers().toString());
        assertTrue(r.error().contains(fragment), "error '" + r.error() + "' should contain '" + fragment + "'");
    }

    private static String job(String fields) {
        return "{\"task\":\"score\"," + DOC + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    /** The coordinator still answers: a list, and a small job accepted. */
    private static void stillServes() throws Exception {
        assertEquals(200, coordinator.get("/v1/jobs").status());
        TestCoordinator.Response ok = coordinator.post("/v1/jobs", job(""));
        assertEquals(202, ok.status(), ok.body());
        coordinator.send("DELETE", "/v1/jobs/" + ok.json().get("id").asText(), null);
    }

    // ---- request bodies ----

    @Test
    void aDeclaredBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
        // 500 MB announced, 64 KiB sent (Jetty dispatches once content starts): the answer comes without the rest
        String head = "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "Content-Type: application/json\r\n"
                + "Content-Length: 500000000\r\n\r\n{\"task\":\"score\",\"documents\":[{\"id\":\"d\",\"text\":\"";
        String response = raw(head + "a".repeat(64 << 10));
        assertTrue(response.startsWith("HTTP/1.1 413 "), response);
        assertTrue(response.toLowerCase(Locale.ROOT).contains("content-type: application/json"), response);
        assertTrue(response.toLowerCase(Locale.ROOT).contains("connection: close"), response);
        assertTrue(response.endsWith("{\"error\":\"the request body has 500000000 bytes, over this coordinator's limit of "
                + MAX_BODY + " bytes (--max-request-bytes)\"}"), response);
        stillServes();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413WhileItStreams() throws Exception {
        long cap = 64L << 20; // at most 64 MiB offered, 64 times the limit
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), coordinator.port())) {
            s.setSoTimeout(30_000);
            CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> readAll(s));
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "Content-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 << 10];
            Arrays.fill(chunk, (byte) 'a');
            byte[] head = "{\"task\":\"score\",\"documents\":[{\"id\":\"d\",\"text\":\"".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, chunk, 0, head.length);
            long sent = 0, deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            try {
                while (sent < cap && !response.isDone() && System.nanoTime() < deadline) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                    Arrays.fill(chunk, 0, head.length, (byte) 'a');
                }
            } catch (IOException closedByTheServer) {
                // expected: the server answered and closed the connection
            }
            String r = response.get(30, TimeUnit.SECONDS);
            assertTrue(r.startsWith("HTTP/1.1 413 "), "after " + sent + " bytes: " + r);
            assertTrue(r.contains("{\"error\":\"the request body has more than " + MAX_BODY + " bytes"), r);
            assertTrue(sent < cap, "the server stopped the upload (" + sent + " bytes sent)");
        }
        stillServes();
    }

    @Test
    void aJobOverTheTokenCapIs413NamingTheLimit() throws Exception {
        int[] ids = new int[500];
        Arrays.fill(ids, 7);
        String tokens = Arrays.toString(ids).replace(" ", "");
        refused(413, "over this coordinator's limit of 1000 tokens per job (maxJobTokens, --max-job-tokens)",
                "{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"tokens\":" + tokens + "},{\"id\":\"b\",\"tokens\":" + tokens
                        + "},{\"id\":\"c\",\"tokens\":" + tokens + "}]}");
        stillServes();
    }

    // ---- values and types ----

    @Test
    void everySettingOutOfRangeIs400NamingIt() throws Exception {
        int max = Integer.MAX_VALUE;
        refused(400, "segmentTokens must be in 1..4096, got " + max, job("\"segmentTokens\":" + max));
        refused(400, "segmentTokens must be in 1..4096, got 0", job("\"segmentTokens\":0"));
        refused(400, "retrieveTopK must be in 0..64, got " + max, job("\"retrieveTopK\":" + max));
        refused(400, "retrieveTopK must be in 0..64, got -1", job("\"retrieveTopK\":-1"));
        refused(400, "sinkTokens must be in 0..1024 (segmentTokens 1024), got 1025", job("\"segmentTokens\":1024,\"sinkTokens\":1025"));
        refused(400, "windowTokens must be in 0..2048 (segmentTokens 2048), got " + max, job("\"windowTokens\":" + max));
        refused(400, "kvBlockTokens must be in 1..256 (segmentTokens 256), got 512", job("\"segmentTokens\":256,\"kvBlockTokens\":512"));
        refused(400, "retrieveTopK * kvBlockTokens (64 * 128) must be at most 4096", job("\"retrieveTopK\":64,\"kvBlockTokens\":128"));
        refused(400, "kvKeepRatio must be in (0, 1]", job("\"kvKeepRatio\":1e-400"));
        refused(400, "workers must be in 1..8, got " + max, job("\"workers\":" + max));
        refused(400, "workers must be in 1..8, got 0", job("\"workers\":0"));
        refused(400, "maxTokens must be in 1..64, got " + max, "{\"task\":\"generate\",\"prompt\":\"Once\",\"maxTokens\":" + max + "}");
        refused(400, "temperature must be in 0..100, got Infinity", "{\"task\":\"generate\",\"prompt\":\"Once\",\"temperature\":1e400}");
        refused(400, "topP must be in (0, 1], got 2.0", "{\"task\":\"generate\",\"prompt\":\"Once\",\"topP\":2}");
        refused(400, "does not have the expected shape at 'segmentTokens'", job("\"segmentTokens\":4294967296"));
        refused(400, "does not have the expected shape at 'seed'", job("\"seed\":18446744073709551616"));
    }

    @Test
    void typesAreStrict() throws Exception {
        refused(400, "does not have the expected shape at 'workers'", job("\"workers\":\"2\""));
        refused(400, "does not have the expected shape at 'workers'", job("\"workers\":\"\""));
        refused(400, "does not have the expected shape at 'workers'", job("\"workers\":true"));
        refused(400, "does not have the expected shape at 'segmentTokens'", job("\"segmentTokens\":2048.0"));
        refused(400, "does not have the expected shape at 'kvKeepRatio'", job("\"kvKeepRatio\":\"0.5\""));
        refused(400, "does not have the expected shape at 'seed'", job("\"seed\":\"7\""));
        refused(400, "does not have the expected shape at 'memoryTokens'", job("\"memoryTokens\":1"));
        refused(400, "does not have the expected shape at 'tokenNll'", job("\"tokenNll\":\"true\""));
        refused(400, "does not have the expected shape at 'kvCodec'", job("\"kvCodec\":8"));
        refused(400, "does not have the expected shape at 'task'", "{\"task\":1," + DOC + "}");
        refused(400, "does not have the expected shape at 'task'", "{\"task\":true," + DOC + "}");
        refused(400, "does not have the expected shape at 'documents[0].id'",
                "{\"task\":\"score\",\"documents\":[{\"id\":5,\"tokens\":[1,2]}]}");
        refused(400, "does not have the expected shape at 'documents[0].tokens[1]'",
                "{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,\"2\"]}]}");
        refused(400, "does not have the expected shape at 'documents[0].tokens[1]'",
                "{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,true]}]}");
        refused(400, "does not have the expected shape at 'documents[0]'", "{\"task\":\"score\",\"documents\":[\"a.txt\"]}");
        refused(400, "the request body is empty", " \n ");
        // a JSON integer is a valid number for a floating-point field
        TestCoordinator.Response ok = coordinator.post("/v1/jobs", job("\"kvKeepRatio\":1,\"workers\":2"));
        assertEquals(202, ok.status(), ok.body());
        coordinator.send("DELETE", "/v1/jobs/" + ok.json().get("id").asText(), null);
    }

    @Test
    void contentTypeMustBeJson() throws Exception {
        for (String type : new String[]{null, "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                "application/json; charset=iso-8859-1", "application/json; boundary=x"}) {
            HttpResponse<String> r = post(type, job(""));
            assertEquals(415, r.statusCode(), type + ": " + r.body());
            assertJsonError(r, "Content-Type must be application/json");
        }
        for (String type : new String[]{"application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""}) {
            HttpResponse<String> r = post(type, job(""));
            assertEquals(202, r.statusCode(), type + ": " + r.body());
        }
    }

    // ---- every error is JSON ----

    @Test
    void unknownPathsAndMethodsAreJson() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/nope")).GET());
        assertEquals(404, r.statusCode(), r.body());
        assertJsonError(r, "no endpoint GET /nope");
        r = send(HttpRequest.newBuilder(uri("/v1/jobs")).PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(405, r.statusCode(), r.body());
        assertJsonError(r, "method PUT is not allowed on /v1/jobs");
    }

    @Test
    void aLongUriIs414Json() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/jobs/" + "a".repeat(20_000))).GET());
        assertEquals(414, r.statusCode(), r.body());
        assertJsonError(r, "414");
        stillServes();
    }

    @Test
    void largeHeadersAre431Json() throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/jobs")).GET();
        for (int i = 0; i < 10; i++) b.header("X-Filler-" + i, "b".repeat(4_000));
        HttpResponse<String> r = send(b);
        assertEquals(431, r.statusCode(), r.body());
        assertJsonError(r, "431");
        stillServes();
    }

    @Test
    void badRequestLinesAndPathsAre400Json() throws Exception {
        for (String line : new String[]{"GET /v1/../../etc/passwd HTTP/1.1", "GET /v1/jobs/%zz HTTP/1.1", "NONSENSE",
                "GET /v1/jobs/%2e%2e/%2e%2e/x HTTP/1.1"}) {
            String response = raw(line + "\r\nHost: localhost\r\n" + AUTH + "\r\n");
            String status = line.contains("%2e") ? "HTTP/1.1 404 " : "HTTP/1.1 400 "; // a dot segment encoded is a name
            assertTrue(response.startsWith(status), line + ": " + response);
            assertTrue(response.toLowerCase(Locale.ROOT).contains("content-type: application/json"), line + ": " + response);
            assertTrue(response.contains("{\"error\":\""), line + ": " + response);
        }
        stillServes();
    }

    // ---- helpers ----

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + coordinator.port() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        b.header("Authorization", "Bearer " + TestCoordinator.KEY);
        return client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/jobs")).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b);
    }

    private static void assertJsonError(HttpResponse<String> r, String fragment) {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers() + " " + r.body());
        TestCoordinator.Response parsed = new TestCoordinator.Response(r.statusCode(), r.body(), r);
        assertTrue(parsed.error().contains(fragment), "error '" + parsed.error() + "' should contain '" + fragment + "'");
    }

    /** Sends {@code request} as it is on a new connection and reads the whole answer (the server closes it). */
    private static String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), coordinator.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String r = readAll(s);
            return r;
        }
    }

    /** What arrives until the server closes the connection (or the first complete response without a body limit). */
    private static String readAll(Socket s) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
                if (complete(got.toString(StandardCharsets.ISO_8859_1))) break;
            }
        } catch (IOException e) {
            // reset after the answer: keep what arrived
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** A response whose Content-Length body has fully arrived. */
    private static boolean complete(String r) {
        int end = r.indexOf("\r\n\r\n");
        if (end < 0) return false;
        for (String line : r.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return r.length() - end - 4 >= Integer.parseInt(line.substring(15).trim());
            }
        }
        return false;
    }
}
