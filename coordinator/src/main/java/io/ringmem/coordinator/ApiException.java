package io.ringmem.coordinator;

/** A request the coordinator refuses: an HTTP status (4xx) and a one-line message for the client. */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
