package io.ringmem.spark;

import io.ringmem.api.RingmemClientException;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries of the service execution's REST calls: a transient failure (no answer: connection refused, reset, timed out;
 * 5xx; 429) is tried again after an exponential backoff with jitter (200 ms doubling, at most 5 s), up to
 * {@code maxAttempts} tries in all; any other failure (a 4xx refusal) is thrown at once.
 */
final class Retry {
    private static final long FIRST_PAUSE_MILLIS = 200, MAX_PAUSE_MILLIS = 5_000;

    private Retry() {
    }

    static boolean transientFailure(RingmemClientException e) {
        int s = e.status();
        return s == 0 || s == 429 || s / 100 == 5;
    }

    /** {@code call}'s value; the last transient failure after {@code maxAttempts} tries, prefixed with the count. */
    static <T> T call(int maxAttempts, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RingmemClientException e) {
                if (!transientFailure(e) || Thread.currentThread().isInterrupted()) throw e;
                if (attempt >= maxAttempts) {
                    throw new RingmemClientException(e.status(), "failed " + attempt + " time(s): " + e.getMessage(), e);
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        long base = Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(attempt - 1, 10));
        try {
            Thread.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingmemClientException(0, "interrupted while waiting to retry", e);
        }
    }
}
