package io.ringmem.api;

/** The body of every 4xx/5xx answer: {@code {"error": "one-line message"}}. */
public record ApiError(String error) {
}
