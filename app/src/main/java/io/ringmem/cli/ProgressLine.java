package io.ringmem.cli;

import io.ringmem.coordinator.CoordinatorService;
import io.ringmem.coordinator.JobRecord;

import java.io.PrintWriter;

/** Terminal progress of an embedded job: one line per finished segment with throughput and an ETA. */
final class ProgressLine {
    private final PrintWriter err;
    private final long t0;
    private volatile JobRecord latest;

    ProgressLine(PrintWriter err, long t0) {
        this.err = err;
        this.t0 = t0;
    }

    synchronized void log(String line) {
        err.println("ringmem: " + line);
        err.flush();
    }

    synchronized void update(JobRecord job) {
        latest = job;
        if (job.state().finished()) return;
        int done = job.segmentsFinished(), total = job.segmentsTotal();
        double secs = (System.nanoTime() - t0) / 1e9;
        String eta = done == 0 ? "" : String.format(", ETA %.0f s", secs / done * (total - done));
        err.printf("ringmem: %d/%d segments (%.0f%%), %d/%d documents, %.1f s%s%n", done, total,
                100.0 * done / Math.max(1, total), job.documentsDone(), job.documentIds().size(), secs, eta);
        err.flush();
    }

    JobRecord awaitFinished(CoordinatorService service, String id) throws InterruptedException {
        while (true) {
            JobRecord j = service.record(id);
            if (j.state().finished()) return j;
            Thread.sleep(100);
        }
    }

    void end() {
        err.printf("ringmem: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        err.flush();
    }
}
