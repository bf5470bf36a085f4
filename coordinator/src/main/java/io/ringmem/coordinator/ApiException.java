package io.ringmem.coordinator;

/**
 * A request the coordinator refuses: an HTTP status (4xx) and a one-line message for the client. Messages quote
 * parts of the request (a field name, a document id, a task), so the constructor makes them safe to show and log:
 * control characters become escapes (a newline the two characters backslash and n) and a message longer than
 * {@link #MAX_MESSAGE_CHARS} is cut there.
 */
public final class ApiException extends RuntimeException {
    /** Longest message kept, in chars. */
    static final int MAX_MESSAGE_CHARS = 1000;

    private final int status;
    private final long retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, 0);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After} when > 0 (a 429 over a quota) */
    public ApiException(int status, String message, long retryAfterSeconds) {
        super(oneLine(message), null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** {@code message} with control characters escaped, cut to {@link #MAX_MESSAGE_CHARS} (never inside a pair). */
    static String oneLine(String message) {
        if (message == null) return "";
        StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_CHARS) + 16);
        for (int i = 0; i < message.length(); i++) {
            if (b.length() >= MAX_MESSAGE_CHARS) {
                if (Character.isHighSurrogate(b.charAt(b.length() - 1))) b.setLength(b.length() - 1);
                return b.append("... (cut at ").append(MAX_MESSAGE_CHARS).append(" characters)").toString();
            }
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
