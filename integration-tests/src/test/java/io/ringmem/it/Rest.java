package io.ringmem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP to a coordinator, answering (status, body) without interpreting errors. */
final class Rest {
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    record Response(int status, JsonNode body) {
    }

    Rest(String base) {
        this.base = base;
    }

    Response post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response post(String path, Object body) throws IOException, InterruptedException {
        return post(path, json.writeValueAsString(body));
    }

    /** GET returning the raw body (for non-JSON endpoints such as /metrics). */
    String getText(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(path + " answered " + r.statusCode());
        return r.body();
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private Response send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        JsonNode body = resp.body().isBlank() ? json.nullNode() : json.readTree(resp.body());
        return new Response(resp.statusCode(), body);
    }

    /** Polls the job until it is finished or {@code timeout} passes; returns its last status. */
    JsonNode awaitJob(String id, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode s = null;
        while (System.nanoTime() < deadline) {
            try {
                Response r = get("/v1/jobs/" + id);
                if (r.status() == 200) {
                    s = r.body();
                    String state = s.get("state").asText();
                    if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) return s;
                }
            } catch (IOException e) {
                // coordinator restarting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " not finished within " + timeout.toSeconds() + " s; last status: " + s);
    }
}
