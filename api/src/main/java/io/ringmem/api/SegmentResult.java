package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One segment of a document's result: positions [start, end).
 *
 * @param ranks     how many ranks (workers) ran the segment: the job's ring size, or fewer when workers were lost
 *                  and the segment was run again on those that remained
 * @param meanNll   mean NLL of its predictions; null when it has none (a last segment of one token)
 * @param embedding (dim) embed jobs: mean-pooled final hidden state of the segment; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SegmentResult(int index, int start, int end, int ranks, double seconds,
                            @JsonInclude(JsonInclude.Include.ALWAYS) Double meanNll, float[] embedding) {
}
