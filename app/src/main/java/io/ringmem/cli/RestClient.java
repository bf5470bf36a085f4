package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A thin client of the coordinator's REST API; non-2xx answers become one-line {@link RingmemException}s. */
final class RestClient {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    RestClient(String url) {
        try {
            URI u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) throw new IllegalArgumentException();
            this.base = u;
        } catch (IllegalArgumentException e) {
            throw new RingmemException("--url must be an http(s) URL such as http://127.0.0.1:8080, got '" + url + "'");
        }
    }

    JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RingmemException("cannot encode the request: " + e.getOriginalMessage());
        }
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE().build());
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new RingmemException("cannot reach the coordinator at " + base + " (is it running?)");
        } catch (IOException e) {
            throw new RingmemException("request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingmemException("interrupted");
        }
        JsonNode body;
        try {
            body = r.body().isEmpty() ? json.createObjectNode() : json.readTree(r.body());
        } catch (IOException e) {
            throw new RingmemException("the coordinator answered " + r.statusCode() + " with a body that is not JSON");
        }
        if (r.statusCode() / 100 != 2) {
            String message = body.hasNonNull("error") ? body.get("error").asText() : r.body();
            throw new RingmemException("coordinator: " + message + " (HTTP " + r.statusCode() + ")");
        }
        return body;
    }
}
