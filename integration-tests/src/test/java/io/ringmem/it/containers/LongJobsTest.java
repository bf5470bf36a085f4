package io.ringmem.it.containers;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.SegmentResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The result comparison and the mid-job test of the fault-injection scenarios, on hand-made records (no Docker). */
class LongJobsTest {

    private static JobResult result(double docNll, double segment1Nll) {
        DocumentResult doc = new DocumentResult("long", 256, docNll, Math.exp(docNll), 1, 256, 0, 0, 1,
                List.of(segment(0, 0, 128, 3.0), segment(1, 128, 256, segment1Nll)), null, null);
        return new DocumentsResult("job", "score", 3, 1, List.of(doc));
    }

    private static SegmentResult segment(int index, int start, int end, double nll) {
        return new SegmentResult(index, start, end, 3, 0.5, nll, null);
    }

    @Test
    void equalResultsPassAndADifferentSegmentFails() {
        assertDoesNotThrow(() -> LongJobs.assertSameScores(result(3.1, 3.2), result(3.1 + 1e-9, 3.2)));
        assertThrows(AssertionError.class, () -> LongJobs.assertSameScores(result(3.1, 3.2), result(3.1, 3.25)));
        assertThrows(AssertionError.class, () -> LongJobs.assertSameScores(result(3.1, 3.2), result(3.2, 3.2)));
    }

    @Test
    void midJobMeansRunningWithSomeButNotAllSegmentsDone() {
        assertTrue(LongJobs.isMidJob(status(JobState.RUNNING, 1, 128)));
        assertFalse(LongJobs.isMidJob(status(JobState.RUNNING, 0, 128)));
        assertFalse(LongJobs.isMidJob(status(JobState.RUNNING, 128, 128)));
        assertFalse(LongJobs.isMidJob(status(JobState.QUEUED, 0, 128)));
    }

    private static JobStatus status(JobState state, int done, int total) {
        return new JobStatus("job", state, "score", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 0, 3,
                new JobStatus.Progress(0, 1, done, total, (double) done / total), null, null);
    }
}
