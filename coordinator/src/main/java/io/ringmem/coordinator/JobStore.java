package io.ringmem.coordinator;

import java.util.List;
import java.util.Optional;

/**
 * Where jobs live: records, their documents' tokens, per-segment outcomes and final results. The Hazelcast
 * implementation keeps all of it in the cluster (one synchronous backup), so it outlives the coordinator.
 */
public interface JobStore {
    void put(JobRecord job);

    Optional<JobRecord> get(String jobId);

    /** Every job, newest first. */
    List<JobRecord> list();

    void putDocument(String jobId, int document, int[] ids);

    int[] document(String jobId, int document);

    void putOutcome(String jobId, int document, int segment, SegmentOutcome outcome);

    Optional<SegmentOutcome> outcome(String jobId, int document, int segment);

    void putResult(String jobId, String json);

    Optional<String> result(String jobId);

    /** Marks a job for cancellation (the runner stops it at the next segment boundary). */
    void requestCancel(String jobId);

    boolean cancelRequested(String jobId);

    /**
     * Removes the submitted token ids and per-segment outcomes of the document in every job that names it (job records
     * and results stay: they are the job's); returns how many entries were removed.
     */
    int deleteDocument(String documentId);

    /** Next submission sequence number (cluster-wide, increasing). */
    long nextSeq();
}
