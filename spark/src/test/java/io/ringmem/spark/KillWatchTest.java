package io.ringmem.spark;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KillWatchTest {
    @Test
    void runsTheActionOnceWhenTheTaskIsMarkedKilled() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        try (KillWatch w = KillWatch.start("test-watch", killed::get, () -> {
            runs.incrementAndGet();
            ran.countDown();
        })) {
            Thread.sleep(250); // several polls: nothing happens while the task runs
            assertEquals(0, runs.get());
            killed.set(true);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the action did not run after the kill");
            Thread.sleep(250);
            assertEquals(1, runs.get());
        }
    }

    @Test
    void aClosedWatchNeverRunsTheAction() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        KillWatch w = KillWatch.start("test-watch", killed::get, runs::incrementAndGet);
        w.close(); // the task completed
        killed.set(true);
        Thread.sleep(300);
        assertEquals(0, runs.get());
    }
}
