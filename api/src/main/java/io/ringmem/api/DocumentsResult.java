package io.ringmem.api;

import java.util.List;

/**
 * Result of a {@code score} or {@code embed} job.
 *
 * @param workers ring size P the job ran on
 * @param seconds wall time of the whole job
 */
public record DocumentsResult(String id, String task, int workers, double seconds, List<DocumentResult> documents)
        implements JobResult {
}
