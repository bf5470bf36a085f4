package io.ringmem.worker;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two workers on one registry (the embedded cluster) keep separate meters. */
class WorkerMetricsTest {
    @Test
    void workersSharingARegistryKeepTheirOwnSeries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics a = new WorkerMetrics(registry, "worker-1"), b = new WorkerMetrics(registry, "worker-2");
        Timer.Sample running = b.start();
        assertEquals(0, active(registry, "worker-1"));
        assertEquals(1, active(registry, "worker-2"));
        a.shard(100, 0, 10);
        b.shard(7, 0, 1);
        assertEquals(100, registry.get("ringmem.worker.tokens").tag("worker", "worker-1").counter().count());
        assertEquals(7, registry.get("ringmem.worker.tokens").tag("worker", "worker-2").counter().count());
        b.done(running, "ShardTask", "ok");
        assertEquals(0, active(registry, "worker-2"));
        assertEquals(1, registry.get("ringmem.worker.requests").tag("worker", "worker-2").tag("outcome", "ok").timer().count());
    }

    private static double active(SimpleMeterRegistry registry, String worker) {
        return registry.get("ringmem.worker.requests.active").tag("worker", worker).gauge().value();
    }
}
