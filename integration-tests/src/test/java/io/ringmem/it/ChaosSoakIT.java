package io.ringmem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak (slow profile: {@code ./mvnw -Pslow verify -pl integration-tests -Dit.test=ChaosSoakIT}): a coordinator and
 * four workers run three multi-segment jobs concurrently while, one at a time, a random worker is killed with
 * SIGKILL and restarted under the same name and ports, and once the coordinator itself; every job must succeed
 * with per-token NLL identical to the same jobs run undisturbed. Faults wait for the cluster to be safe (every
 * partition backed up) before the next one, since one backup survives one loss at a time.
 */
@Tag("slow")
@Timeout(1800)
class ChaosSoakIT {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void jobsSurviveRepeatedKillsAndRestarts() throws Exception {
        JsonNode ref = json.readTree(ItPaths.reference().toFile()).get("tinystories656k_512");
        int[] base = json.convertValue(ref.get("ids"), int[].class);
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            int[] ids = new int[base.length * (16 + 4 * d)];
            for (int i = 0; i < ids.length; i++) ids[i] = base[(i + 37 * d) % base.length];
            docs.add(ids);
        }
        try (LocalCluster c = new LocalCluster(ItPaths.tinyStories(), Path.of("target/it-logs/soak"), 4, List.of()).start()) {
            RestClient rest = c.rest();
            List<double[]> expected = new ArrayList<>();
            for (int d = 0; d < docs.size(); d++) expected.add(nll(rest, await(rest, submit(rest, "calm-" + d, docs.get(d)))));

            List<String> jobs = new ArrayList<>();
            for (int d = 0; d < docs.size(); d++) jobs.add(submit(rest, "chaos-" + d, docs.get(d)));
            Random random = new Random(42);
            int faults = 0;
            boolean coordinatorKilled = false;
            while (!allFinished(rest, jobs)) {
                Thread.sleep(500 + random.nextInt(1500));
                if (allFinished(rest, jobs)) break;
                awaitSafe(rest, 4);
                if (!coordinatorKilled && faults == 2) {
                    c.coordinator().kill();
                    c.startCoordinator();
                    coordinatorKilled = true;
                } else {
                    int w = random.nextInt(4);
                    c.worker(w).kill();
                    c.awaitWorkers(3, Duration.ofSeconds(60));
                    c.restartWorker(w);
                    c.awaitWorkers(4, Duration.ofSeconds(60));
                }
                faults++;
            }
            assertTrue(faults >= 3, "the jobs ended before enough faults were injected: " + faults);
            for (int d = 0; d < docs.size(); d++) {
                JsonNode status = await(rest, jobs.get(d));
                assertEquals("SUCCEEDED", status.get("state").asText(), status + "\n" + c.logsTail());
                assertArrayEquals(expected.get(d), nll(rest, status), "document " + d + " after " + faults + " faults");
            }
            System.out.println("soak: " + faults + " faults (one coordinator restart), all jobs identical to the undisturbed runs");
        }
    }

    private static String submit(RestClient rest, String doc, int[] ids) throws Exception {
        RestClient.Response r = rest.post("/v1/jobs", Map.of("task", "score", "documents", List.of(Map.of("id", doc, "tokens", ids)),
                "workers", 3, "segmentTokens", 256, "tokenNll", true));
        assertEquals(202, r.status(), r.json().toString());
        return r.json().get("id").asText();
    }

    private static JsonNode await(RestClient rest, String id) throws Exception {
        return rest.awaitTerminal(id, Duration.ofMinutes(15));
    }

    private double[] nll(RestClient rest, JsonNode status) throws Exception {
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
        JsonNode result = rest.get("/v1/jobs/" + status.get("id").asText() + "/result").json();
        return json.convertValue(result.get("documents").get(0).get("nll"), double[].class);
    }

    private static boolean allFinished(RestClient rest, List<String> jobs) throws Exception {
        for (String id : jobs) {
            try {
                RestClient.Response r = rest.get("/v1/jobs/" + id);
                String state = r.status() == 200 ? r.json().get("state").asText() : "";
                if (!state.equals("SUCCEEDED") && !state.equals("FAILED") && !state.equals("CANCELLED")) return false;
            } catch (IOException e) {
                return false; // coordinator restarting
            }
        }
        return true;
    }

    /** Waits until the cluster reports every partition backed up and {@code workers} workers. */
    private static void awaitSafe(RestClient rest, int workers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode c = rest.get("/v1/cluster").json();
                if (c.get("safe").asBoolean() && c.get("workers").asInt() == workers) return;
            } catch (IOException e) {
                // restarting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("cluster not safe within 2 minutes");
    }
}
