package io.ringmem.it.containers;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.it.JobPolls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segment mode across containers: a document of four 512-token segments on a ring of three, each segment carrying
 * sinks, the previous window and the top-4 int8 KV blocks retrieved from the Hazelcast store that the members hold
 * (the {@code ringmem-kv} map, with its backups spread over the containers). The first segment has no context before
 * it, so its per-token NLL is exactly Hugging Face's; the stored blocks are compressed; a second run gives the same scores.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers
class SegmentStoreIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final int SEGMENT_TOKENS = 512;
    private static final int SEGMENTS = 4;

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(3);

    @Test
    void segmentsRetrieveStoredBlocksAndScoreTheSameTwice() {
        HfReference ref = HfReference.tinyStories512();
        RingmemClient client = cluster.client();
        JobRequest request = JobRequest.builder("score").workers(3).segmentTokens(SEGMENT_TOKENS).kvCodec("int8").retrieveTopK(4)
                .tokenNll(true).documents(DocumentInput.tokens("long", ref.repeated(SEGMENTS))).build();

        DocumentResult first = run(client, request);
        assertEquals(SEGMENTS * ref.ids().length, first.tokens());
        assertEquals(SEGMENTS, first.segments().size(), first.toString());
        assertEquals(first.tokens() - 1, first.nll().length, "per-token NLL");
        for (int i = 0; i < ref.nll().length; i++) {
            assertEquals(ref.nll()[i], first.nll()[i], HfReference.NLL_TOLERANCE,
                    "NLL at position " + (i + 1) + " (first segment, no context before it) vs Hugging Face");
        }
        assertTrue(first.storeBytes() > 0, "no KV blocks stored: " + first);
        assertTrue(first.compressionRatio() > 1.5, "int8 blocks should be smaller than fp32: " + first);
        for (var s : first.segments()) assertTrue(Double.isFinite(s.meanNll()) && s.meanNll() > 0, s.toString());

        DocumentResult second = run(client, request);
        assertEquals(first.meanNll(), second.meanNll(), LongJobs.SAME_RESULT_TOLERANCE, "document mean NLL of a second run");
        for (int i = 0; i < SEGMENTS; i++) {
            assertEquals(first.segments().get(i).meanNll(), second.segments().get(i).meanNll(), LongJobs.SAME_RESULT_TOLERANCE,
                    "segment " + i + " of a second run");
        }
    }

    private static DocumentResult run(RingmemClient client, JobRequest request) {
        String id = client.submit(request).id();
        JobStatus status = JobPolls.awaitTerminal(client, id, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        assertEquals(SEGMENTS, status.progress().segmentsTotal(), status.toString());
        JobResult result = client.result(id);
        return LongJobs.document(result, "long");
    }
}
