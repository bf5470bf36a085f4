package io.ringmem.embedded;

import io.ringmem.coordinator.WorkerGateway;
import io.ringmem.coordinator.WorkerRef;
import io.ringmem.protocol.WorkerRequest;
import io.ringmem.worker.Worker;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Workers in this JVM (embedded mode): requests run on a thread each, straight on the {@link Worker}. */
public final class LocalWorkerGateway implements WorkerGateway, AutoCloseable {
    private final List<Worker> workers; // copy-on-write: a stopped worker leaves it
    private final ExecutorService threads =
            Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("local-worker-", 0).daemon().factory());

    public LocalWorkerGateway(List<Worker> workers) {
        this.workers = new CopyOnWriteArrayList<>(workers);
    }

    /** The worker leaves, as a dead process leaves the cluster: it is no longer listed, and calls to it fail. */
    void remove(String name) {
        workers.removeIf(w -> w.name().equals(name));
    }

    @Override
    public List<WorkerRef> workers() {
        List<WorkerRef> out = new ArrayList<>();
        for (Worker w : workers) out.add(new WorkerRef(w.name(), w.name(), w.ringAddress()));
        return out;
    }

    @Override
    public <R extends Serializable> CompletableFuture<R> call(WorkerRef worker, WorkerRequest<R> request) {
        for (Worker w : workers) {
            if (w.name().equals(worker.id())) return CompletableFuture.supplyAsync(() -> w.handle(request), threads);
        }
        return CompletableFuture.failedFuture(new IllegalStateException("no local worker " + worker.name()));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
