package io.ringmem.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's Micrometer meters: requests by type and outcome, requests running, tokens processed, ring wait and bytes sent. */
final class WorkerMetrics {
    private final MeterRegistry registry;
    private final Counter tokens;
    private final Counter ringBytes;
    private final Timer ringWait;
    private final AtomicInteger active = new AtomicInteger();

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.tokens = Counter.builder("ringmem.worker.tokens").description("tokens processed by shard tasks").register(registry);
        this.ringBytes = Counter.builder("ringmem.worker.ring.bytes").baseUnit("bytes")
                .description("KV bytes sent to the ring neighbour").register(registry);
        this.ringWait = Timer.builder("ringmem.worker.ring.wait")
                .description("time shard tasks were blocked on the ring").register(registry);
        Gauge.builder("ringmem.worker.requests.active", active, AtomicInteger::get)
                .description("requests running now").register(registry);
    }

    Timer.Sample start() {
        active.incrementAndGet();
        return Timer.start(registry);
    }

    void done(Timer.Sample sample, String type, String outcome) {
        active.decrementAndGet();
        sample.stop(Timer.builder("ringmem.worker.requests").description("worker requests by type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry));
    }

    void shard(int tokenCount, long ringWaitNanos, long bytes) {
        tokens.increment(tokenCount);
        ringBytes.increment(bytes);
        ringWait.record(ringWaitNanos, TimeUnit.NANOSECONDS);
    }
}
