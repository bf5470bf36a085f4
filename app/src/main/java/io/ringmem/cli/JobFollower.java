package io.ringmem.cli;

import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Waits for a job to finish, printing a progress line whenever its state or progress changes: segments and documents
 * done, seconds since following began, and an ETA from the segments finished while followed (the REST status carries
 * no token counts, so no tokens per second here; the result has them).
 */
final class JobFollower {
    /** Long enough for any job a CLI user waits for; the coordinator's own limits end stuck jobs sooner. */
    private static final Duration WAIT = Duration.ofDays(7);

    private JobFollower() {
    }

    /** @param err where progress goes, or null for none */
    static JobStatus follow(RingmemClient client, String id, PrintWriter err) {
        long t0 = System.nanoTime();
        int[] firstDone = {-1};
        return CoordinatorCalls.call(() -> client.awaitCompletion(id, WAIT, s -> {
            if (err == null) return;
            JobStatus.Progress p = s.progress();
            if (firstDone[0] < 0) firstDone[0] = p.segmentsDone();
            double secs = (System.nanoTime() - t0) / 1e9;
            int seen = p.segmentsDone() - firstDone[0];
            String eta = seen > 0 && p.segmentsDone() < p.segmentsTotal()
                    ? String.format(Locale.ROOT, ", ETA %.0f s", secs / seen * (p.segmentsTotal() - p.segmentsDone())) : "";
            err.printf(Locale.ROOT, "ringmem: %s %s: %d/%d segments, %d/%d documents, %.1f s%s%n", id, s.state(), p.segmentsDone(),
                    p.segmentsTotal(), p.documentsDone(), p.documentsTotal(), secs, eta);
            err.flush();
        }));
    }
}
