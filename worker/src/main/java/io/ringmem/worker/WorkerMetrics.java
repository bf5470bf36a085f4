package io.ringmem.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's Micrometer meters: requests by type and outcome, requests running, tokens processed, ring wait and
 * bytes sent. Every meter carries the tag {@code worker} (the worker's name), so several workers sharing one registry
 * (the embedded cluster) keep their own series: without it the second worker's gauge registration would silently
 * return the first worker's gauge.
 */
final class WorkerMetrics {
    static final String WORKER_TAG = "worker";

    private final MeterRegistry registry;
    private final String worker;
    private final Counter tokens;
    private final Counter ringBytes;
    private final Timer ringWait;
    private final AtomicInteger active = new AtomicInteger();

    WorkerMetrics(MeterRegistry registry, String worker) {
        this.registry = registry;
        this.worker = worker;
        this.tokens = Counter.builder("ringmem.worker.tokens").tag(WORKER_TAG, worker)
                .description("tokens processed by shard tasks").register(registry);
        this.ringBytes = Counter.builder("ringmem.worker.ring.bytes").tag(WORKER_TAG, worker).baseUnit("bytes")
                .description("KV bytes sent to the ring neighbour").register(registry);
        this.ringWait = Timer.builder("ringmem.worker.ring.wait").tag(WORKER_TAG, worker)
                .description("time shard tasks were blocked on the ring").register(registry);
        Gauge.builder("ringmem.worker.requests.active", active, AtomicInteger::get).tag(WORKER_TAG, worker)
                .description("requests running now").register(registry);
    }

    Timer.Sample start() {
        active.incrementAndGet();
        return Timer.start(registry);
    }

    void done(Timer.Sample sample, String type, String outcome) {
        active.decrementAndGet();
        sample.stop(Timer.builder("ringmem.worker.requests").description("worker requests by type and outcome")
                .tag(WORKER_TAG, worker).tag("type", type).tag("outcome", outcome).register(registry));
    }

    void shard(int tokenCount, long ringWaitNanos, long bytes) {
        tokens.increment(tokenCount);
        ringBytes.increment(bytes);
        ringWait.record(ringWaitNanos, TimeUnit.NANOSECONDS);
    }
}
