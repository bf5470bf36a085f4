package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The result comparison and the mid-job test of the fault-injection scenarios, on hand-made JSON (no Docker). */
class LongJobsTest {

    private static JsonNode result(double docNll, double segment1Nll) {
        ObjectNode doc = RestClient.JSON.createObjectNode().put("id", "long").put("tokens", 256).put("meanNll", docNll);
        doc.putArray("segments").add(segment(0, 0, 128, 3.0)).add(segment(1, 128, 256, segment1Nll));
        ObjectNode r = RestClient.JSON.createObjectNode();
        r.putArray("documents").add(doc);
        return r;
    }

    private static ObjectNode segment(int index, int start, int end, double nll) {
        return RestClient.JSON.createObjectNode().put("index", index).put("start", start).put("end", end).put("meanNll", nll);
    }

    @Test
    void equalResultsPassAndADifferentSegmentFails() {
        assertDoesNotThrow(() -> LongJobs.assertSameScores(result(3.1, 3.2), result(3.1 + 1e-9, 3.2)));
        assertThrows(AssertionError.class, () -> LongJobs.assertSameScores(result(3.1, 3.2), result(3.1, 3.25)));
        assertThrows(AssertionError.class, () -> LongJobs.assertSameScores(result(3.1, 3.2), result(3.2, 3.2)));
    }

    @Test
    void midJobMeansRunningWithSomeButNotAllSegmentsDone() {
        assertTrue(LongJobs.isMidJob(status("RUNNING", 1, 128)));
        assertFalse(LongJobs.isMidJob(status("RUNNING", 0, 128)));
        assertFalse(LongJobs.isMidJob(status("RUNNING", 128, 128)));
        assertFalse(LongJobs.isMidJob(status("QUEUED", 0, 128)));
    }

    private static JsonNode status(String state, int done, int total) {
        ObjectNode s = RestClient.JSON.createObjectNode().put("state", state);
        s.putObject("progress").put("segmentsDone", done).put("segmentsTotal", total);
        return s;
    }
}
