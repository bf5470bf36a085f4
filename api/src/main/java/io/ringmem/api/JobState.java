package io.ringmem.api;

/** Lifecycle of a job: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
