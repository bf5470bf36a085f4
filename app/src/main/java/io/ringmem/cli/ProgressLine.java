package io.ringmem.cli;

import com.sun.management.OperatingSystemMXBean;
import io.ringmem.coordinator.CoordinatorService;
import io.ringmem.coordinator.JobRecord;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Terminal progress of an embedded job on stderr: segments done of all, tokens per second, elapsed time and an ETA,
 * at most one line a second (and the last segment's); the used heap is sampled at each update for the report.
 *
 * <p>Tokens per second count finished segments as full ({@code segmentTokens} each), so a document's shorter last
 * segment is counted high by less than one segment; the report's {@code tokensPerSecond} is exact. The ETA lets the
 * per-segment cost grow as it has grown since the job was submitted ({@link GrowingEta}: a long document's retrieval
 * scans every stored block); the plain average rate was 4× too low a fifth into a 10M-token job.
 */
final class ProgressLine {
    private static final long PRINT_EVERY_NANOS = 1_000_000_000L;
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final PrintWriter err;
    private final long t0;
    private long lastPrint;
    private boolean printed;
    private long peakHeap;
    private final GrowingEta eta = new GrowingEta();

    ProgressLine(PrintWriter err, long t0) {
        this.err = err;
        this.t0 = t0;
    }

    synchronized void log(String line) {
        err.println("ringmem: " + line);
        err.flush();
    }

    synchronized void update(JobRecord job) {
        sampleHeap();
        long now = System.nanoTime();
        if (job.state().finished()) return;
        int done = job.segmentsFinished(), total = job.segmentsTotal();
        if (done < total && printed && now - lastPrint < PRINT_EVERY_NANOS) return;
        printed = true;
        lastPrint = now;
        double secs = (now - t0) / 1e9, running = Math.max(0, System.currentTimeMillis() - job.submittedAt()) / 1e3;
        long tokens = (long) done * job.spec().settings().segmentTokens();
        String rate = running > 0 && done > 0 ? String.format(Locale.ROOT, ", %,.0f tokens/s", tokens / running) : "";
        eta.observe(done, running);
        double left = eta.secondsLeft(total);
        String etaText = Double.isNaN(left) ? "" : String.format(Locale.ROOT, ", ETA %.0f s", left);
        err.printf(Locale.ROOT, "ringmem: %d/%d segments (%.0f%%), %d/%d documents%s, %.1f s (CPU %.1f s)%s, heap %d MiB%n", done,
                total, 100.0 * done / Math.max(1, total), job.documentsDone(), job.documentIds().size(), rate, secs, cpuSeconds(), etaText,
                usedHeap() >> 20);
        err.flush();
    }

    JobRecord awaitFinished(CoordinatorService service, String id) throws InterruptedException {
        while (true) {
            JobRecord j = service.record(id);
            if (j.state().finished()) return j;
            sampleHeap();
            Thread.sleep(100);
        }
    }

    void end() {
        sampleHeap();
        err.printf(Locale.ROOT, "ringmem: done in %.1f s; heap: peak %d MiB in use (sampled) of %d MiB max%s%n",
                (System.nanoTime() - t0) / 1e9,
                peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20, peakRss() > 0 ? ", peak RSS " + (peakRss() >> 20) + " MiB" : "");
        err.flush();
    }

    /** The most heap in use seen at any update or poll (garbage included: an upper bound of the live heap then). */
    synchronized long peakHeap() {
        return peakHeap;
    }

    private synchronized void sampleHeap() {
        peakHeap = Math.max(peakHeap, usedHeap());
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** CPU seconds this process has used (all threads; on a shared machine steadier than the wall time). */
    static double cpuSeconds() {
        return OS.getProcessCpuTime() / 1e9;
    }

    /** This process's peak resident set ({@code VmHWM} of /proc/self/status), or 0 where that is not available. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 0;
        }
        return 0;
    }
}
