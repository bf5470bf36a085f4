package io.ringmem.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
                RestClient rest = c.rest();
                score(rest, "warmup", ids, p, 1024); // JIT and first-touch
                double best = 0, wait = 0, secs = 0;
                for (int rep = 0; rep < 2; rep++) {
                    JsonNode doc = score(rest, "bench-" + rep, ids, p, TOKENS).get("documents").get(0);
                    if (doc.get("tokensPerSecond").asDouble() > best) {
                        best = doc.get("tokensPerSecond").asDouble();
                        wait = doc.get("ringWaitSeconds").asDouble();
                        secs = doc.get("seconds").asDouble();
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
            RestClient rest = c.rest();
            JsonNode calm = score(rest, "calm", ids, 2, 512).get("documents").get(0);
            double normal = median(segmentSeconds(calm));
            String id = rest.post("/v1/jobs", request("killed", ids, 2, 512)).json().get("id").asText();
            while (rest.get("/v1/jobs/" + id).json().get("progress").get("segmentsDone").asInt() < 2) Thread.sleep(20);
            long t0 = System.nanoTime();
            c.worker(0).kill();
            int done = 2;
            while (rest.get("/v1/jobs/" + id).json().get("progress").get("segmentsDone").asInt() <= done) Thread.sleep(20);
            double recovered = (System.nanoTime() - t0) / 1e9;
            JsonNode status = rest.awaitTerminal(id, Duration.ofMinutes(10));
            assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
            return String.format("Recovery (P=2 of 3 workers, segments of 512): a normal segment takes %.2f s (median); "
                    + "from the kill of a ring member to the next finished segment: %.2f s (%.1fx a segment); failed attempts: %d.%n",
                    normal, recovered, recovered / normal, status.get("attempts").asInt());
        }
    }

    private static Map<String, Object> request(String doc, int[] ids, int workers, int segmentTokens) {
        return Map.of("task", "score", "documents", List.of(Map.of("id", doc, "tokens", ids)), "workers", workers,
                "segmentTokens", segmentTokens, "kvCodec", "int8");
    }

    private static JsonNode score(RestClient rest, String doc, int[] ids, int workers, int segmentTokens) throws Exception {
        RestClient.Response r = rest.post("/v1/jobs", request(doc, ids, workers, segmentTokens));
        assertEquals(202, r.status(), r.json().toString());
        String id = r.json().get("id").asText();
        JsonNode s = rest.awaitTerminal(id, Duration.ofMinutes(10));
        assertEquals("SUCCEEDED", s.get("state").asText(), s.toString());
        return rest.get("/v1/jobs/" + id + "/result").json();
    }

    private static double[] segmentSeconds(JsonNode doc) {
        List<Double> out = new ArrayList<>();
        for (JsonNode s : doc.get("segments")) out.add(s.has("seconds") ? s.get("seconds").asDouble() : Double.NaN);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
