package io.ringmem.it;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.SegmentResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Benchmark (slow profile: {@code ./mvnw -Pslow verify -pl integration-tests -Dit.test=ClusterBenchmarkIT}):
 * synthetic-gqa scoring throughput with 1, 2 and 3 worker processes (a coordinator and P worker JVMs, one kernel
 * thread each), and the time to recover from a worker killed mid-job. Writes a Markdown table to
 * {@code target/cluster-benchmark.md}; ratios are against P = 1 measured in the same run.
 */
@Tag("slow")
@Timeout(1800)
class ClusterBenchmarkIT {
    private static final int TOKENS = 4096;

    @Test
    void throughputAndRecovery() throws Exception {
        int[] ids = new SplittableRandom(3).ints(TOKENS, 3, 1024).toArray();
        StringBuilder md = new StringBuilder(
                "| worker processes P | tokens/s | vs P=1 | ring wait (s, all ranks) | ring wait share | seconds |\n"
                + "|---|---|---|---|---|---|\n");
        double base = 0;
        for (int p = 1; p <= 3; p++) {
            try (LocalCluster c = new LocalCluster(ItPaths.syntheticGqa(), Path.of("target/it-logs/bench-" + p), p, List.of()).start()) {
                RingmemClient rest = c.client();
                score(rest, "warmup", ids, p, 1024); // JIT and first-touch
                double best = 0, wait = 0, secs = 0;
                for (int rep = 0; rep < 2; rep++) {
                    DocumentResult doc = score(rest, "bench-" + rep, ids, p, TOKENS).documents().getFirst();
                    if (doc.tokensPerSecond() > best) {
                        best = doc.tokensPerSecond();
                        wait = doc.ringWaitSeconds();
                        secs = doc.seconds();
                    }
                }
                if (p == 1) base = best;
                md.append(String.format("| %d | %.0f | %.2fx | %.3f | %.2f%% | %.2f |%n",
                        p, best, best / base, wait, 100 * wait / (secs * p), secs));
            }
        }
        md.append("\n").append(recovery(ids));
        Files.writeString(Path.of("target/cluster-benchmark.md"), md);
        System.out.println(md);
    }

    /** Kills a ring member mid-job; compares the interrupted segment's wall time with an undisturbed one. */
    private String recovery(int[] ids) throws Exception {
        try (LocalCluster c = new LocalCluster(ItPaths.syntheticGqa(), Path.of("target/it-logs/bench-recovery"), 3, List.of()).start()) {
            RingmemClient rest = c.client();
            DocumentResult calm = score(rest, "calm", ids, 2, 512).documents().getFirst();
            double normal = median(segmentSeconds(calm));
            String id = rest.submit(request("killed", ids, 2, 512)).id();
            while (rest.status(id).progress().segmentsDone() < 2) Thread.sleep(20);
            long t0 = System.nanoTime();
            c.worker(0).kill();
            int done = 2;
            while (rest.status(id).progress().segmentsDone() <= done) Thread.sleep(20);
            double recovered = (System.nanoTime() - t0) / 1e9;
            JobStatus status = JobPolls.awaitTerminal(rest, id, Duration.ofMinutes(10));
            assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
            return String.format("Recovery (P=2 of 3 workers, segments of 512): a normal segment takes %.2f s (median); "
                    + "from the kill of a ring member to the next finished segment: %.2f s (%.1fx a segment); failed attempts: %d.%n",
                    normal, recovered, recovered / normal, status.attempts());
        }
    }

    private static JobRequest request(String doc, int[] ids, int workers, int segmentTokens) {
        return JobRequest.builder("score").documents(DocumentInput.tokens(doc, ids)).workers(workers).segmentTokens(segmentTokens)
                .kvCodec("int8").build();
    }

    private static DocumentsResult score(RingmemClient rest, String doc, int[] ids, int workers, int segmentTokens) {
        String id = rest.submit(request(doc, ids, workers, segmentTokens)).id();
        JobStatus s = JobPolls.awaitTerminal(rest, id, Duration.ofMinutes(10));
        assertEquals(JobState.SUCCEEDED, s.state(), s.toString());
        return (DocumentsResult) rest.result(id);
    }

    private static double[] segmentSeconds(DocumentResult doc) {
        return doc.segments().stream().mapToDouble(SegmentResult::seconds).toArray();
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
