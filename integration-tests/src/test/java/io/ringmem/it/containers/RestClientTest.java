package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The container tests' REST helpers against a scripted HTTP server on loopback (no Docker needed): they accept the
 * answers docs/cluster.md promises and reject the ones it rules out, so a container test fails for the right reason.
 */
class RestClientTest {
    private HttpServer server;
    private RestClient rest;
    private final AtomicInteger polls = new AtomicInteger();
    private volatile String location = "/v1/jobs/j1";
    private volatile String jobList = "[{\"id\": \"j1\"}]";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/jobs", this::handle);
        server.start();
        rest = new RestClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        if (x.getRequestMethod().equals("POST")) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains("bad")) {
                reply(x, 400, "{\"error\": \"no such model: bad\"}");
            } else {
                if (location != null) x.getResponseHeaders().add("Location", location);
                reply(x, 202, "{\"id\": \"j1\", \"state\": \"QUEUED\"}");
            }
        } else if (path.equals("/v1/jobs")) {
            reply(x, 200, jobList);
        } else if (path.equals("/v1/jobs/j1")) {
            reply(x, 200, polls.incrementAndGet() < 3 ? "{\"id\": \"j1\", \"state\": \"RUNNING\"}" : "{\"id\": \"j1\", \"state\": \"SUCCEEDED\"}");
        } else {
            reply(x, 404, "{\"error\": \"unknown job\"}");
        }
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Test
    void submitsAndPollsUntilTheJobEnds() throws IOException {
        JsonNode submitted = rest.submit(JobRequests.score(1, 64, JobRequests.text("d", "hi")));
        assertEquals("j1", submitted.path("id").asText());
        assertEquals("SUCCEEDED", rest.awaitTerminal("j1", Duration.ofSeconds(30)).path("state").asText());
        assertEquals(3, polls.get());
    }

    @Test
    void aSubmitWithoutLocationOrWithAnErrorFails() {
        location = null;
        assertThrows(AssertionError.class, () -> rest.submit(JobRequests.score(1, 64, JobRequests.text("d", "hi"))));
        assertThrows(AssertionError.class, () -> rest.submit(JobRequests.score(1, 64, JobRequests.text("d", "hi")).put("model", "bad")));
    }

    @Test
    void errorAnswersExposeTheirMessage() throws IOException {
        RestClient.Response r = rest.post("/v1/jobs", JobRequests.score(1, 64, JobRequests.text("d", "hi")).put("model", "bad"));
        assertEquals(400, r.status());
        assertEquals("no such model: bad", r.error());
        RestClient.Response missing = rest.get("/v1/jobs/nope");
        assertEquals(404, missing.status());
        assertEquals("unknown job", missing.error());
        assertNull(new RestClient.Response(500, "oops", RestClient.JSON.missingNode(), Optional.empty()).error());
    }

    @Test
    void theJobListIsReadBareOrWrapped() throws IOException {
        assertEquals(1, rest.jobs().size());
        jobList = "{\"jobs\": [{\"id\": \"j1\"}, {\"id\": \"j2\"}]}";
        assertEquals(2, rest.jobs().size());
        jobList = "{\"count\": 2}";
        assertThrows(AssertionError.class, () -> rest.jobs());
    }

    @Test
    void waitingGivesUpWithTheLastStatus() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> rest.awaitState("j1", s -> false, Duration.ofMillis(300), "never"));
        assertTrue(e.getMessage().contains("\"id\""), e.getMessage());
    }
}
