package io.ringmem.coordinator;

import java.time.Duration;

/**
 * How the coordinator drives segments.
 *
 * @param stepTimeout    how long a rank waits for its ring neighbour
 * @param segmentTimeout how long one attempt of a segment may take in all
 * @param acquireTimeout how long a segment waits for free healthy workers
 * @param maxAttempts    attempts per segment before the job fails
 * @param probeTimeout   TCP connect timeout when checking which workers of a failed ring are gone
 * @param quarantine     how long an unreachable worker stays out of new rings
 * @param concurrentJobs jobs run at the same time at most (they share the workers; no worker is in two rings)
 */
public record RunnerSettings(Duration stepTimeout, Duration segmentTimeout, Duration acquireTimeout, int maxAttempts,
                             Duration probeTimeout, Duration quarantine, int concurrentJobs) {
    public static final int DEFAULT_CONCURRENT_JOBS = 4;

    public RunnerSettings {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
        if (concurrentJobs < 1) throw new IllegalArgumentException("concurrent jobs must be >= 1, got " + concurrentJobs);
    }

    public RunnerSettings(Duration stepTimeout, Duration segmentTimeout, Duration acquireTimeout, int maxAttempts,
                          Duration probeTimeout, Duration quarantine) {
        this(stepTimeout, segmentTimeout, acquireTimeout, maxAttempts, probeTimeout, quarantine, DEFAULT_CONCURRENT_JOBS);
    }

    public static RunnerSettings defaults() {
        return new RunnerSettings(Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofMinutes(2), 6,
                Duration.ofSeconds(1), Duration.ofSeconds(60));
    }
}
