package io.ringmem.api;

/**
 * A request the coordinator refused or that could not be made. {@link #status} is the HTTP status (0 when no
 * answer came: unreachable, timed out, interrupted); the message is the server's one-line {@code error} when it
 * sent one.
 */
public final class RingmemClientException extends RuntimeException {
    private final int status;

    public RingmemClientException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** HTTP status, or 0 when the server did not answer. */
    public int status() {
        return status;
    }
}
