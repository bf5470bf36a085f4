package io.ringmem.cluster;

import io.ringmem.protocol.WorkerRequest;

import java.io.Serializable;

/**
 * What answers {@link WorkerRequest}s on a member: the worker process registers one in its Hazelcast member's user
 * context under {@link #CONTEXT_KEY}, and {@link WorkerCall} hands requests to it. Implementations are thread-safe:
 * several requests may run at once.
 */
public interface RequestHandler {
    /** The user-context key a member's handler is registered under. */
    String CONTEXT_KEY = "ringmem.worker";

    /** Runs one request to completion; a failure is thrown to the caller's future. */
    <R extends Serializable> R handle(WorkerRequest<R> request);
}
