package io.ringmem.api;

import java.util.List;

/**
 * Result of a {@code score} or {@code embed} job.
 *
 * @param workers ring size P the job asked for (a segment run again after a worker was lost may have run on fewer
 *                ranks: see {@link SegmentResult#ranks()})
 * @param seconds wall time of the whole job
 */
public record DocumentsResult(String id, String task, int workers, double seconds, List<DocumentResult> documents)
        implements JobResult {
}
