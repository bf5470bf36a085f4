package io.ringmem.spark;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

/**
 * How executors reach a Ringmem coordinator in the {@link Execution#SERVICE} execution.
 *
 * @param url         the coordinator, e.g. {@code http://ringmem:8080}
 * @param apiKey      sent as a bearer token when not null (for coordinators that require one)
 * @param maxInFlight documents one task has submitted and not yet collected, at most (one job per document)
 * @param maxAttempts tries per request on a transient failure (no answer, 5xx, 429); then the task fails
 * @param jobTimeout  how long one document's job may take from submission to its result
 */
public record ServiceSettings(String url, String apiKey, int maxInFlight, int maxAttempts, Duration jobTimeout) implements Serializable {
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofHours(1);

    public ServiceSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the service execution needs the coordinator URL: .serviceUrl(...)");
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serviceUrl is not a URL: '" + url + "'");
        }
        if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
            throw new IllegalArgumentException("serviceUrl must be an http(s) URL such as http://127.0.0.1:8080, got '" + url + "'");
        }
        if (maxInFlight < 1 || maxInFlight > 256) throw new IllegalArgumentException("maxInFlight must be in 1..256, got " + maxInFlight);
        if (maxAttempts < 1 || maxAttempts > 100) throw new IllegalArgumentException("maxAttempts must be in 1..100, got " + maxAttempts);
        if (jobTimeout == null || jobTimeout.isNegative() || jobTimeout.isZero()) {
            throw new IllegalArgumentException("jobTimeout must be > 0, got " + jobTimeout);
        }
    }

    @Override
    public String toString() { // never print the key
        return "ServiceSettings[url=" + url + ", apiKey=" + (apiKey == null ? "none" : "***") + ", maxInFlight=" + maxInFlight
                + ", maxAttempts=" + maxAttempts + ", jobTimeout=" + jobTimeout + "]";
    }
}
