package io.ringmem.coordinator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WorkerLeases} over a fake gateway: stable order, no double leases, probes, quarantine. */
class WorkerLeasesTest {
    private static final Duration LONG = Duration.ofHours(1);
    private final FakeGateway gateway = FakeGateway.withReachableWorkers(4);

    @AfterEach
    void close() {
        gateway.close();
    }

    private List<String> names(List<WorkerRef> ws) {
        return ws.stream().map(WorkerRef::name).toList();
    }

    @Test
    void acquireGivesTheFirstFreeWorkersInStableOrder() throws Exception {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        assertEquals(List.of("worker-1", "worker-2"), names(leases.acquire(2, Duration.ofSeconds(1))));
        assertEquals(List.of("worker-3"), names(leases.acquire(1, Duration.ofSeconds(1))));
        assertEquals(List.of("worker-4"), names(leases.tryAcquire(1).orElseThrow()));
    }

    @Test
    void busyWorkersAreNotHandedOutTwice() {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        List<WorkerRef> first = leases.tryAcquire(3).orElseThrow();
        assertEquals(List.of("worker-1", "worker-2", "worker-3"), names(first));
        assertEquals(Optional.empty(), leases.tryAcquire(2), "only worker-4 is free");
        assertEquals(List.of("worker-4"), names(leases.tryAcquire(1).orElseThrow()));
        assertEquals(Optional.empty(), leases.tryAcquire(1), "everyone is busy");
    }

    @Test
    void releaseMakesWorkersFreeAgain() {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        List<WorkerRef> a = leases.tryAcquire(2).orElseThrow();
        List<WorkerRef> b = leases.tryAcquire(2).orElseThrow();
        assertEquals(List.of("worker-3", "worker-4"), names(b));
        leases.release(a);
        assertEquals(List.of("worker-1", "worker-2"), names(leases.tryAcquire(2).orElseThrow()));
        leases.release(b);
        assertEquals(List.of("worker-3"), names(leases.tryAcquire(1).orElseThrow()));
    }

    @Test
    void fewerThanAskedWhenFewerHealthyExist() throws Exception {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        assertEquals(List.of("worker-1", "worker-2", "worker-3", "worker-4"), names(leases.acquire(8, Duration.ofSeconds(1))));
        leases.release(gateway.workers());
        leases.suspect(gateway.workers.get(1));
        assertEquals(List.of("worker-1", "worker-3", "worker-4"), names(leases.acquire(4, Duration.ofSeconds(1))));
    }

    @Test
    void acquireTimesOutWithAMessage() {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        leases.tryAcquire(3).orElseThrow();
        WorkerLeases.NoWorkersException e = assertThrows(WorkerLeases.NoWorkersException.class,
                () -> leases.acquire(2, Duration.ofMillis(300)));
        assertTrue(e.getMessage().startsWith("no 2 workers became available within"), e.getMessage());
        assertTrue(e.getMessage().contains("(healthy workers: 4)"), e.getMessage());
        e = assertThrows(WorkerLeases.NoWorkersException.class,
                () -> new WorkerLeases(new FakeGateway(), LONG).acquire(1, Duration.ofMillis(100)));
        assertTrue(e.getMessage().startsWith("no worker became available within"), e.getMessage());
        assertTrue(e.getMessage().contains("(healthy workers: 0)"), e.getMessage());
    }

    @Test
    void acquireWaitsForAReleasedWorker() throws Exception {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        List<WorkerRef> all = leases.tryAcquire(4).orElseThrow();
        Thread releaser = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                return;
            }
            leases.release(all.subList(2, 3));
        });
        assertEquals(List.of("worker-3"), names(leases.acquire(1, Duration.ofMinutes(1))));
        releaser.join();
    }

    @Test
    void acquireGivesUpWhenToldToStop() throws Exception {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        leases.tryAcquire(4).orElseThrow();
        AtomicInteger asked = new AtomicInteger();
        assertEquals(Optional.empty(), leases.acquire(1, Duration.ofMinutes(10), () -> asked.incrementAndGet() >= 3));
        assertEquals(3, asked.get(), "stop is polled while waiting");
        leases.release(gateway.workers());
        assertEquals(List.of("worker-1"), names(leases.acquire(1, Duration.ofMinutes(10), () -> true).orElseThrow()),
                "free workers are handed out before stop is asked");
    }

    @Test
    void probeSuspectsUnreachableWorkersAndKeepsReachableOnes() throws Exception {
        WorkerRef dead = FakeGateway.unreachableWorker("worker-0");
        gateway.workers.addFirst(dead);
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        assertEquals(5, leases.healthy().size());
        List<WorkerRef> ring = leases.acquire(3, Duration.ofSeconds(1));
        assertEquals(List.of("worker-0", "worker-1", "worker-2"), names(ring));
        List<WorkerRef> gone = leases.probe(ring, Duration.ofSeconds(2));
        assertEquals(List.of(dead), gone);
        leases.release(ring);
        assertEquals(List.of("worker-1", "worker-2", "worker-3", "worker-4"), names(leases.healthy()));
        assertEquals(List.of("worker-1", "worker-2", "worker-3", "worker-4"), names(leases.acquire(5, Duration.ofSeconds(1))));
        // a malformed address cannot be reached either
        WorkerRef odd = new WorkerRef("id-odd", "odd", "no-port-here");
        assertEquals(List.of(odd), leases.probe(List.of(odd), Duration.ofMillis(200)));
    }

    @Test
    void suspectsReturnAfterTheQuarantine() throws Exception {
        WorkerLeases leases = new WorkerLeases(gateway, Duration.ofMillis(1));
        leases.suspect(gateway.workers.getFirst());
        Thread.sleep(20); // past the quarantine
        assertEquals(4, leases.healthy().size(), "the quarantine has passed");
        assertEquals("worker-1", leases.tryAcquire(1).orElseThrow().getFirst().name());

        WorkerLeases longer = new WorkerLeases(gateway, LONG);
        longer.suspect(gateway.workers.getFirst());
        Thread.sleep(20);
        assertEquals(List.of("worker-2", "worker-3", "worker-4"), names(longer.healthy()), "still quarantined");
    }

    @Test
    void workersLeavingTheClusterAreNotHandedOut() {
        WorkerLeases leases = new WorkerLeases(gateway, LONG);
        gateway.workers.removeFirst();
        assertEquals(List.of("worker-2", "worker-3"), names(leases.tryAcquire(2).orElseThrow()));
    }
}
