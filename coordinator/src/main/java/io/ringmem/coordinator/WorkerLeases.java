package io.ringmem.coordinator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Hands out rings of workers to the segments that run at the same time, so no worker is in two rings at once, and
 * keeps out workers that were found unreachable after a failure (suspects) until they leave the cluster or a
 * quarantine passes. Thread-safe.
 */
public final class WorkerLeases {
    private final WorkerGateway gateway;
    private final Duration quarantine;
    private final Set<String> busy = new HashSet<>();
    private final Map<String, Long> suspects = new HashMap<>(); // worker id → suspected since (nanoTime)

    public WorkerLeases(WorkerGateway gateway, Duration quarantine) {
        this.gateway = gateway;
        this.quarantine = quarantine;
    }

    /** Workers not suspected, in the gateway's stable order. */
    public synchronized List<WorkerRef> healthy() {
        long now = System.nanoTime();
        suspects.values().removeIf(since -> now - since > quarantine.toNanos());
        List<WorkerRef> out = new ArrayList<>();
        for (WorkerRef w : gateway.workers()) if (!suspects.containsKey(w.id())) out.add(w);
        return out;
    }

    /**
     * Up to {@code ranks} free healthy workers, first in stable order; empty when none is free. Fewer than asked
     * are returned only when fewer healthy workers exist at all (the caller decides whether that is acceptable).
     */
    public synchronized Optional<List<WorkerRef>> tryAcquire(int ranks) {
        List<WorkerRef> healthy = healthy();
        int want = Math.min(ranks, healthy.size());
        if (want == 0) return Optional.empty();
        List<WorkerRef> free = new ArrayList<>();
        for (WorkerRef w : healthy) if (!busy.contains(w.id()) && free.size() < want) free.add(w);
        if (free.size() < want) return Optional.empty();
        for (WorkerRef w : free) busy.add(w.id());
        return Optional.of(free);
    }

    /** Waits (polling) until {@link #tryAcquire} succeeds or {@code timeout} passes. */
    public List<WorkerRef> acquire(int ranks, Duration timeout) throws InterruptedException {
        return acquire(ranks, timeout, () -> false).orElseThrow();
    }

    /**
     * Like {@link #acquire(int, Duration)}, but gives up, returning empty, as soon as {@code stop} says so while it
     * waits (a job cancelled while it waits for workers must not wait out the whole timeout).
     */
    public Optional<List<WorkerRef>> acquire(int ranks, Duration timeout, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<List<WorkerRef>> got = tryAcquire(ranks);
            if (got.isPresent()) return got;
            if (stop.getAsBoolean()) return Optional.empty();
            if (System.nanoTime() > deadline) {
                throw new NoWorkersException("no " + (ranks == 1 ? "worker" : ranks + " workers") + " became available within "
                        + timeout.toSeconds() + " s (healthy workers: " + healthy().size() + ")");
            }
            Thread.sleep(100);
        }
    }

    public synchronized void release(List<WorkerRef> workers) {
        for (WorkerRef w : workers) busy.remove(w.id());
    }

    public synchronized void suspect(WorkerRef w) {
        suspects.put(w.id(), System.nanoTime());
    }

    /** Which of {@code group} cannot be reached on their ring port within {@code timeout}; those become suspects. */
    public List<WorkerRef> probe(List<WorkerRef> group, Duration timeout) {
        List<WorkerRef> dead = new ArrayList<>();
        for (WorkerRef w : group) {
            if (!reachable(w.ringAddress(), timeout)) {
                dead.add(w);
                suspect(w);
            }
        }
        return dead;
    }

    private static boolean reachable(String hostPort, Duration timeout) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                    (int) timeout.toMillis());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** No workers to run on. */
    public static final class NoWorkersException extends RuntimeException {
        public NoWorkersException(String message) {
            super(message);
        }
    }
}
