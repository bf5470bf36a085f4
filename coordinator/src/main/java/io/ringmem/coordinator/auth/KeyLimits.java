package io.ringmem.coordinator.auth;

/**
 * What one API key may spend: a token bucket of requests (refilled at {@code requestsPerSecond}, holding {@code burst}
 * at most) and the jobs it may have QUEUED or RUNNING at once. Over either limit a request gets a 429.
 *
 * @param requestsPerSecond steady request rate, > 0
 * @param burst             requests allowed at once after a quiet period, >= 1
 * @param maxActiveJobs     queued plus running jobs of the key at most, >= 1
 */
public record KeyLimits(double requestsPerSecond, int burst, int maxActiveJobs) {
    /** Defaults of {@code --rate-limit}, {@code --rate-burst} and {@code --max-active-jobs}. */
    public static final KeyLimits DEFAULTS = new KeyLimits(20, 40, 8);

    /** No limit in practice: the embedded mode and the loopback development mode. */
    public static final KeyLimits UNLIMITED = new KeyLimits(1e9, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public KeyLimits {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("the request rate must be a finite number > 0, got " + requestsPerSecond);
        }
        if (burst < 1) throw new IllegalArgumentException("the burst must be >= 1, got " + burst);
        if (maxActiveJobs < 1) throw new IllegalArgumentException("the active-job quota must be >= 1, got " + maxActiveJobs);
    }
}
