package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A job's status as {@code GET /v1/jobs/{id}} (and submit, cancel, list) return it.
 *
 * @param submittedAt     ISO-8601 instant ({@link #submitted()})
 * @param updatedAt       ISO-8601 instant of the last change
 * @param attempts        failed segment attempts so far (retries after worker failures)
 * @param workers         the ring size, once known (null: every ready worker when the job starts)
 * @param error           why the job failed, or null
 * @param cancelRequested true while a running job is being cancelled, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(String id, JobState state, String task, String submittedAt, String updatedAt, int attempts,
                        Integer workers, Progress progress, String error, Boolean cancelRequested) {

    /** Documents and segments finished; {@code fraction} in [0, 1] (1 once SUCCEEDED). */
    public record Progress(int documentsDone, int documentsTotal, int segmentsDone, int segmentsTotal, double fraction) {
    }

    public Instant submitted() {
        return Instant.parse(submittedAt);
    }

    public Instant updated() {
        return Instant.parse(updatedAt);
    }
}
