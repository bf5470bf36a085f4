package io.ringmem.it.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    static ObjectNode scoreRequest() {
        int[] ids = HfReference.tinyStories512().repeated(REPEATS);
        return JobRequests.score(WORKERS, SEGMENT_TOKENS, JobRequests.tokens("long", ids));
    }

    /** Whether a status shows the job running with some but not all segments done. */
    static boolean isMidJob(JsonNode status) {
        JsonNode p = status.path("progress");
        int done = p.path("segmentsDone").asInt();
        return "RUNNING".equals(status.path("state").asText()) && done >= 1 && done < p.path("segmentsTotal").asInt();
    }

    /** Asserts two results of {@link #scoreRequest()} agree: tokens, segment boundaries and every mean NLL. */
    static void assertSameScores(JsonNode expected, JsonNode actual) {
        JsonNode e = JobRequests.document(expected, "long");
        JsonNode a = JobRequests.document(actual, "long");
        assertEquals(e.path("tokens").asInt(), a.path("tokens").asInt(), "tokens");
        assertEquals(e.path("meanNll").asDouble(), a.path("meanNll").asDouble(), SAME_RESULT_TOLERANCE, "document mean NLL");
        assertEquals(e.path("segments").size(), a.path("segments").size(), "segments");
        for (int i = 0; i < e.path("segments").size(); i++) {
            JsonNode es = e.path("segments").get(i);
            JsonNode as = a.path("segments").get(i);
            assertEquals(es.path("start").asInt(), as.path("start").asInt(), "start of segment " + i);
            assertEquals(es.path("end").asInt(), as.path("end").asInt(), "end of segment " + i);
            assertEquals(es.path("meanNll").asDouble(), as.path("meanNll").asDouble(), SAME_RESULT_TOLERANCE, "mean NLL of segment " + i);
        }
    }
}
