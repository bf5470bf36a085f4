package io.ringmem.coordinator.auth;

/** A request refused before it reaches an endpoint: 401 (no or a wrong key), 403 (not admin) or 429 (rate). */
final class AccessDenied extends RuntimeException {
    private final int status;
    private final String header;
    private final String headerValue;

    AccessDenied(int status, String message, String header, String headerValue) {
        super(message, null, false, false);
        this.status = status;
        this.header = header;
        this.headerValue = headerValue;
    }

    int status() {
        return status;
    }

    String header() {
        return header;
    }

    String headerValue() {
        return headerValue;
    }
}
