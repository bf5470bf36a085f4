package io.ringmem.cluster;

import io.ringmem.RingmemException;

/**
 * A worker's request failed on the worker: its exception travels back as its kind and message (never as a
 * Java-serialized exception), and is raised again on the caller's side as this.
 */
public final class WorkerFailure extends RingmemException {
    private final String kind;

    public WorkerFailure(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Simple class name of the worker's exception. */
    public String kind() {
        return kind;
    }
}
