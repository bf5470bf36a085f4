package io.ringmem.coordinator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/** The coordinator's Micrometer meters: jobs by outcome, segments, tokens, failed attempts. */
public final class CoordinatorMetrics {
    private final MeterRegistry registry;
    private final Counter submitted;
    private final Counter rejected;
    private final Counter failedAttempts;
    private final Counter tokens;
    private final Timer segments;

    public CoordinatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.submitted = Counter.builder("ringmem.jobs.submitted").register(registry);
        this.rejected = Counter.builder("ringmem.jobs.rejected").description("requests refused with 4xx").register(registry);
        this.failedAttempts = Counter.builder("ringmem.segments.failed.attempts")
                .description("segment attempts retried after a failure").register(registry);
        this.tokens = Counter.builder("ringmem.tokens").description("document tokens processed").register(registry);
        this.segments = Timer.builder("ringmem.segments").description("finished segments (wall time incl. retries)").register(registry);
    }

    void submitted() {
        submitted.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void failedAttempt() {
        failedAttempts.increment();
    }

    void segment(SegmentOutcome o) {
        tokens.increment(o.end() - o.start());
        segments.record((long) (o.seconds() * 1e9), TimeUnit.NANOSECONDS);
    }

    void jobFinished(String outcome) {
        Counter.builder("ringmem.jobs.finished").tag("outcome", outcome).register(registry).increment();
    }
}
