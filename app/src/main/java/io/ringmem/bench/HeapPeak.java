package io.ringmem.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The largest used heap seen while it is open: a daemon thread samples {@link MemoryMXBean#getHeapMemoryUsage()}
 * every 10 ms. Not guaranteed: a peak shorter than the sampling interval can be missed, and garbage not yet collected
 * counts as used (so it is an upper bound on the live data, a lower bound on the true peak between samples).
 */
final class HeapPeak implements AutoCloseable {
    private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peak;

    HeapPeak() {
        peak = used();
        sampler = Thread.ofPlatform().daemon().name("heap-peak").start(() -> {
            while (running) {
                long u = used();
                if (u > peak) peak = u;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private long used() {
        return bean.getHeapMemoryUsage().getUsed();
    }

    long peak() {
        return Math.max(peak, used());
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
