package io.ringmem.coordinator;

/** A request the coordinator refuses: an HTTP status (4xx) and a one-line message for the client. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final long retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, 0);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After} when > 0 (a 429 over a quota) */
    public ApiException(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }
}
