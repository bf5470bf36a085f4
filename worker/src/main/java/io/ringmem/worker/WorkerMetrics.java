package io.ringmem.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/** The worker's Micrometer meters: requests by type and outcome, tokens processed, ring wait and bytes sent. */
final class WorkerMetrics {
    private final MeterRegistry registry;
    private final Counter tokens;
    private final Counter ringBytes;
    private final Timer ringWait;

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.tokens = Counter.builder("ringmem.worker.tokens").description("tokens processed by shard tasks").register(registry);
        this.ringBytes = Counter.builder("ringmem.worker.ring.bytes").baseUnit("bytes").description("KV bytes sent to the ring neighbour").register(registry);
        this.ringWait = Timer.builder("ringmem.worker.ring.wait").description("time shard tasks were blocked on the ring").register(registry);
    }

    Timer.Sample start() {
        return Timer.start(registry);
    }

    void done(Timer.Sample sample, String type, String outcome) {
        sample.stop(Timer.builder("ringmem.worker.requests").description("worker requests by type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry));
    }

    void shard(int tokenCount, long ringWaitNanos, long bytes) {
        tokens.increment(tokenCount);
        ringBytes.increment(bytes);
        ringWait.record(ringWaitNanos, TimeUnit.NANOSECONDS);
    }
}
