package io.ringmem.coordinator;

import io.ringmem.protocol.WorkerRequest;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** How the coordinator finds workers and sends them requests. */
public interface WorkerGateway {
    /** Workers currently in the cluster that serve this coordinator's model, in a stable order (by name). */
    List<WorkerRef> workers();

    /** Sends one request; the future fails if the worker fails it or leaves the cluster. */
    <R extends Serializable> CompletableFuture<R> call(WorkerRef worker, WorkerRequest<R> request);
}
