package io.ringmem.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of the coordinator's REST API (docs/cluster.md) over {@link HttpClient}, with JSON through Jackson.
 * The plain methods return status and body whatever they are, for tests of error answers; the job helpers
 * ({@link #submit}, {@link #awaitState}, {@link #result}) assert the success answers the contract promises.
 */
public final class RestClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    /** One HTTP answer: status, raw body, and the body as JSON (a missing node when it is not JSON). */
    public record Response(int status, String body, JsonNode json, Optional<String> location) {
        /** The {@code error} message of an error answer, or null when there is none. */
        public String error() {
            JsonNode e = json.get("error");
            return e != null && e.isTextual() ? e.asText() : null;
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A client of the coordinator at {@code base}, for example {@code http://localhost:32768}. */
    public RestClient(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    public Response get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response post(String path, String body) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response post(String path, JsonNode body) throws IOException {
        return post(path, JSON.writeValueAsString(body));
    }

    /** POST of any value Jackson can write (a map, a record). */
    public Response post(String path, Object body) throws IOException {
        return post(path, (JsonNode) JSON.valueToTree(body));
    }

    /** The body of a GET that must answer 200 (for non-JSON endpoints such as /metrics). */
    public String getText(String path) throws IOException {
        Response r = get(path);
        if (r.status() != 200) throw new IOException(path + " answered " + r.status());
        return r.body();
    }

    /** Submits a job; asserts {@code 202 Accepted} with a status and a Location header naming the job. */
    public JsonNode submit(JsonNode request) throws IOException {
        Response r = post("/v1/jobs", request);
        if (r.status() != 202) throw new AssertionError("POST /v1/jobs answered " + r.status() + ": " + r.body());
        String id = r.json().path("id").asText(null);
        if (id == null) throw new AssertionError("the 202 answer has no job id: " + r.body());
        if (r.location().isEmpty() || !r.location().get().endsWith("/v1/jobs/" + id)) {
            throw new AssertionError("Location header " + r.location() + " does not name job " + id);
        }
        return r.json();
    }

    /** The status of a job; asserts {@code 200}. */
    public JsonNode status(String id) throws IOException {
        Response r = get("/v1/jobs/" + id);
        if (r.status() != 200) throw new AssertionError("GET /v1/jobs/" + id + " answered " + r.status() + ": " + r.body());
        return r.json();
    }

    /** The result of a job; asserts {@code 200}. */
    public JsonNode result(String id) throws IOException {
        Response r = get("/v1/jobs/" + id + "/result");
        if (r.status() != 200) throw new AssertionError("GET /v1/jobs/" + id + "/result answered " + r.status() + ": " + r.body());
        return r.json();
    }

    /**
     * The job list of {@code GET /v1/jobs} (status objects, newest first): the answer's array, or its {@code jobs}
     * array when the answer wraps it in an object. Asserts {@code 200}.
     */
    public JsonNode jobs() throws IOException {
        Response r = get("/v1/jobs");
        if (r.status() != 200) throw new AssertionError("GET /v1/jobs answered " + r.status() + ": " + r.body());
        JsonNode list = r.json().isArray() ? r.json() : r.json().path("jobs");
        if (!list.isArray()) throw new AssertionError("GET /v1/jobs gave no list of jobs: " + r.body());
        return list;
    }

    /** Polls the job's status until it reaches a terminal state; returns that status. */
    public JsonNode awaitTerminal(String id, Duration timeout) {
        return awaitState(id, s -> TERMINAL.contains(s.path("state").asText()), timeout, "a terminal state");
    }

    /**
     * Polls the job's status until {@code done} holds and returns that status. Connection errors and non-200 answers
     * are retried (the coordinator may be restarting); after {@code timeout} it fails with the last status or error.
     */
    public JsonNode awaitState(String id, Predicate<JsonNode> done, Duration timeout, String what) {
        Instant end = Instant.now().plus(timeout);
        String last = "nothing yet";
        while (Instant.now().isBefore(end)) {
            try {
                Response r = get("/v1/jobs/" + id);
                if (r.status() == 200) {
                    if (done.test(r.json())) return r.json();
                    last = r.body();
                } else {
                    last = r.status() + " " + r.body();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(POLL);
        }
        throw new AssertionError("job " + id + " did not reach " + what + " within " + timeout + "; last: " + last);
    }

    /** Polls {@code /health/ready} until it answers 200; fails after {@code timeout}. */
    public void awaitReady(Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        String last = "nothing yet";
        while (Instant.now().isBefore(end)) {
            try {
                Response r = get("/health/ready");
                if (r.status() == 200) return;
                last = r.status() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError(base + " did not become ready within " + timeout + "; last: " + last);
    }

    private Response send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> r = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), parse(r.body()), r.headers().firstValue("Location"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = body == null || body.isBlank() ? null : JSON.readTree(body);
            return n == null ? JSON.missingNode() : n;
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
