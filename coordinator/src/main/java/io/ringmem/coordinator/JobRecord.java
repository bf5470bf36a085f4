package io.ringmem.coordinator;

import io.ringmem.api.JobState;

import java.io.Serializable;
import java.util.List;

/**
 * A job as the cluster keeps it (immutable; every change stores a new record). Survives coordinator restarts: a
 * restarted coordinator resumes QUEUED and RUNNING jobs from {@link #segmentsDone}.
 *
 * @param seq          submission order
 * @param spec         the validated job, without document tokens (stored apart)
 * @param documentIds  the documents' ids, in job order
 * @param segments     per document, its segment count
 * @param segmentsDone per document, segments finished (their outcomes and states are stored)
 * @param attempts     failed segment attempts so far (retries after worker failures)
 * @param owner        id of the API key that submitted the job ({@code local} for the embedded mode and the loopback
 *                     development mode); only it, or an admin key, sees the job
 */
public record JobRecord(String id, long seq, JobState state, long submittedAt, long updatedAt, JobSpec spec,
                        List<String> documentIds, int[] segments, int[] segmentsDone, int attempts, String error,
                        String owner) implements Serializable {
    /** The owner of jobs submitted by the process itself (embedded mode, development mode). */
    public static final String LOCAL_OWNER = "local";

    public JobRecord {
        documentIds = List.copyOf(documentIds);
        if (owner == null || owner.isEmpty()) owner = LOCAL_OWNER;
    }

    /** A job of {@link #LOCAL_OWNER}. */
    public JobRecord(String id, long seq, JobState state, long submittedAt, long updatedAt, JobSpec spec,
                     List<String> documentIds, int[] segments, int[] segmentsDone, int attempts, String error) {
        this(id, seq, state, submittedAt, updatedAt, spec, documentIds, segments, segmentsDone, attempts, error, LOCAL_OWNER);
    }

    public int segmentsTotal() {
        int s = 0;
        for (int x : segments) s += x;
        return s;
    }

    public int segmentsFinished() {
        int s = 0;
        for (int x : segmentsDone) s += x;
        return s;
    }

    public int documentsDone() {
        int d = 0;
        for (int i = 0; i < segments.length; i++) if (segmentsDone[i] >= segments[i]) d++;
        return d;
    }

    public JobRecord withState(JobState s, String err) {
        return new JobRecord(id, seq, s, submittedAt, System.currentTimeMillis(), spec, documentIds, segments, segmentsDone, attempts, err,
                owner);
    }

    public JobRecord withSegmentDone(int document, int done) {
        int[] d = segmentsDone.clone();
        d[document] = done;
        return new JobRecord(id, seq, state, submittedAt, System.currentTimeMillis(), spec, documentIds, segments, d, attempts, error,
                owner);
    }

    /** The same job with a resolved ring size (a request without one gets the ready workers at its start). */
    public JobRecord withWorkers(int p) {
        JobSpec s = new JobSpec(spec.task(), spec.documents(), p, spec.settings(), spec.question(), spec.maxTokens(),
                spec.temperature(), spec.topP(), spec.seed(), spec.tokenNll());
        return new JobRecord(id, seq, state, submittedAt, System.currentTimeMillis(), s, documentIds, segments, segmentsDone,
                attempts, error, owner);
    }

    public JobRecord withFailedAttempt() {
        return new JobRecord(id, seq, state, submittedAt, System.currentTimeMillis(), spec, documentIds, segments, segmentsDone,
                attempts + 1, error, owner);
    }
}
