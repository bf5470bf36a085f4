package io.ringmem.protocol;

import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;

import java.util.List;

/**
 * After every rank of a segment succeeded: gather their KV shards from the store, write the segment's compressed
 * blocks, fold the segment into the document's carried state and store that state as the state after
 * {@code segment}. Idempotent: running it again for the same session writes the same blocks and state.
 *
 * @param session the ring session number the ranks ran under (names their stored shards)
 * @param end     global position one past the segment's last token
 * @param queries with token selection ({@code settings.keepRatio() < 1}): every rank's {@link ShardResult#queries},
 *                in rank order; else empty
 */
public record FinalizeTask(String jobId, String documentId, int segment, int session, int ranks, int end,
                           SegmentConfig settings, List<QuerySums> queries) implements WorkerRequest<FinalizeResult> {
    public FinalizeTask {
        queries = List.copyOf(queries);
        if (settings.keepRatio() < 1 && queries.size() != ranks) {
            throw new IllegalArgumentException("token selection needs the query sums of all " + ranks + " ranks, got " + queries.size());
        }
    }
}
