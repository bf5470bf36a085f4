package io.ringmem.cli;

import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;

import java.io.PrintWriter;
import java.time.Duration;

/** Waits for a job to finish, printing a progress line whenever its state or progress changes. */
final class JobFollower {
    /** Long enough for any job a CLI user waits for; the coordinator's own limits end stuck jobs sooner. */
    private static final Duration WAIT = Duration.ofDays(7);

    private JobFollower() {
    }

    /** @param err where progress goes, or null for none */
    static JobStatus follow(RingmemClient client, String id, PrintWriter err) {
        return CoordinatorCalls.call(() -> client.awaitCompletion(id, WAIT, s -> {
            if (err == null) return;
            JobStatus.Progress p = s.progress();
            err.printf("ringmem: %s %s: %d/%d segments, %d/%d documents%n", id, s.state(), p.segmentsDone(), p.segmentsTotal(),
                    p.documentsDone(), p.documentsTotal());
            err.flush();
        }));
    }
}
