package io.ringmem.coordinator.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-key token buckets: each key's bucket holds up to {@link KeyLimits#burst()} requests and refills at
 * {@link KeyLimits#requestsPerSecond()}. Buckets exist only for authenticated keys, so their number is bounded by the
 * keys file. Thread-safe. The clock is injected ({@link System#nanoTime} in production) so tests are deterministic.
 */
public final class RateLimiter {
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** With the system clock. */
    public RateLimiter() {
        this(System::nanoTime);
    }

    /**
     * Takes one request from the caller's bucket.
     *
     * @return 0 when the request may go ahead, else the whole seconds (>= 1) until a request would be allowed
     */
    public long acquire(Caller caller) {
        Bucket b = buckets.computeIfAbsent(caller.id(), id -> new Bucket(caller.limits(), nanoTime.getAsLong()));
        return b.take(nanoTime.getAsLong());
    }

    private static final class Bucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(KeyLimits limits, long now) {
            this.perNano = limits.requestsPerSecond() / 1e9;
            this.capacity = limits.burst();
            this.tokens = capacity;
            this.last = now;
        }

        synchronized long take(long now) {
            long elapsed = Math.max(0, now - last);
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double waitNanos = (1 - tokens) / perNano;
            return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
        }
    }
}
