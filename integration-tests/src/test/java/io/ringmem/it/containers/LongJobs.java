package io.ringmem.it.containers;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.SegmentResult;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A job long enough to interrupt: the reference ids repeated into one document of many short segments, scored on
 * rings of three; and the comparison of two results of it. Ring attention is exact, so a run that recovered from a
 * failure must reproduce an undisturbed run up to floating-point summation order (1e-6 nats).
 */
final class LongJobs {
    static final int REPEATS = 32;
    static final int SEGMENT_TOKENS = 128;
    static final int WORKERS = 3;
    static final double SAME_RESULT_TOLERANCE = 1e-6;

    private LongJobs() {
    }

    /** score, one document of REPEATS × 512 tokens, segments of 128, rings of 3. */
    static JobRequest scoreRequest() {
        int[] ids = HfReference.tinyStories512().repeated(REPEATS);
        return JobRequest.builder("score").workers(WORKERS).segmentTokens(SEGMENT_TOKENS).documents(DocumentInput.tokens("long", ids))
                .build();
    }

    /** Whether a status shows the job running with some but not all segments done. */
    static boolean isMidJob(JobStatus status) {
        int done = status.progress().segmentsDone();
        return status.state() == JobState.RUNNING && done >= 1 && done < status.progress().segmentsTotal();
    }

    /** The document with this id in a score result; fails if it is absent. */
    static DocumentResult document(JobResult result, String id) {
        for (DocumentResult d : ((DocumentsResult) result).documents()) {
            if (id.equals(d.id())) return d;
        }
        throw new AssertionError("the result has no document " + id + ": " + result);
    }

    /** Asserts two results of {@link #scoreRequest()} agree: tokens, segment boundaries and every mean NLL. */
    static void assertSameScores(JobResult expected, JobResult actual) {
        DocumentResult e = document(expected, "long");
        DocumentResult a = document(actual, "long");
        assertEquals(e.tokens(), a.tokens(), "tokens");
        assertEquals(e.meanNll(), a.meanNll(), SAME_RESULT_TOLERANCE, "document mean NLL");
        assertEquals(e.segments().size(), a.segments().size(), "segments");
        for (int i = 0; i < e.segments().size(); i++) {
            SegmentResult es = e.segments().get(i);
            SegmentResult as = a.segments().get(i);
            assertEquals(es.start(), as.start(), "start of segment " + i);
            assertEquals(es.end(), as.end(), "end of segment " + i);
            assertEquals(es.meanNll(), as.meanNll(), SAME_RESULT_TOLERANCE, "mean NLL of segment " + i);
        }
    }
}
