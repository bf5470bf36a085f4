package io.ringmem.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP for what {@link io.ringmem.api.RingmemClient} deliberately cannot send or read: bodies that are not
 * valid jobs (malformed JSON, unknown fields), and endpoints that are not JSON records (/metrics, worker health).
 * Returns status and body whatever they are.
 */
public final class RawHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** One answer: status, raw body, and the body as JSON (a missing node when it is not JSON). */
    public record Response(int status, String body, JsonNode json) {
        /** The {@code error} message of an error answer, or null when there is none. */
        public String error() {
            JsonNode e = json.get("error");
            return e != null && e.isTextual() ? e.asText() : null;
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final boolean withKey;

    /** Requests to {@code base}, for example {@code http://localhost:32768}, with the tests' API key ({@link ItKeys}). */
    public RawHttp(URI base) {
        this(base, true);
    }

    /** @param withKey send {@code Authorization: Bearer} with {@link ItKeys#KEY} (false: as an outsider without a key) */
    public RawHttp(URI base, boolean withKey) {
        this.base = base;
        this.withKey = withKey;
    }

    public Response get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response post(String path, String body) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The body of a GET that must answer 200 (for non-JSON endpoints such as /metrics). */
    public String getText(String path) throws IOException {
        Response r = get(path);
        if (r.status() != 200) throw new IOException(path + " answered " + r.status());
        return r.body();
    }

    private Response send(HttpRequest.Builder request) throws IOException {
        try {
            if (withKey) request.header("Authorization", "Bearer " + ItKeys.KEY);
            HttpResponse<String> r = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), parse(r.body()));
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
}
