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
 */
public record JobRecord(String id, long seq, JobState state, long submittedAt, long updatedAt, JobSpec spec,
                        List<String> documentIds, int[] segments, int[] segmentsDone, int attempts, String error) implements Serializable {
    public JobRecord {
        documentIds = List.copyOf(documentIds);
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
        return new JobRecord(id, seq, s, submittedAt, System.currentTimeMillis(), spec, documentIds, segments, segmentsDone, attempts, err);
    }

    public JobRecord withSegmentDone(int document, int done) {
        int[] d = segmentsDone.clone();
        d[document] = done;
        return new JobRecord(id, seq, state, submittedAt, System.currentTimeMillis(), spec, documentIds, segments, d, attempts, error);
    }

    /** The same job with a resolved ring size (a request without one gets the ready workers at its start). */
    public JobRecord withWorkers(int p) {
        JobSpec s = new JobSpec(spec.task(), spec.documents(), p, spec.settings(), spec.question(), spec.maxTokens(),
                spec.temperature(), spec.topP(), spec.seed(), spec.tokenNll());
        return new JobRecord(id, seq, state, submittedAt, System.currentTimeMillis(), s, documentIds, segments, segmentsDone,
                attempts, error);
    }

    public JobRecord withFailedAttempt() {
        return new JobRecord(id, seq, state, submittedAt, System.currentTimeMillis(), spec, documentIds, segments, segmentsDone,
                attempts + 1, error);
    }
}
