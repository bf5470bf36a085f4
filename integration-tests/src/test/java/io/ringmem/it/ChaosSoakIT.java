package io.ringmem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.api.ClusterInfo;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            RingmemClient rest = c.client();
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
                JobStatus status = await(rest, jobs.get(d));
                assertEquals(JobState.SUCCEEDED, status.state(), status + "\n" + c.logsTail());
                assertArrayEquals(expected.get(d), nll(rest, status), "document " + d + " after " + faults + " faults");
            }
            System.out.println("soak: " + faults + " faults (one coordinator restart), all jobs identical to the undisturbed runs");
        }
    }

    private static String submit(RingmemClient rest, String doc, int[] ids) {
        return rest.submit(JobRequest.builder("score").documents(DocumentInput.tokens(doc, ids)).workers(3).segmentTokens(256)
                .tokenNll(true).build()).id();
    }

    private static JobStatus await(RingmemClient rest, String id) {
        return JobPolls.awaitTerminal(rest, id, Duration.ofMinutes(15));
    }

    private static double[] nll(RingmemClient rest, JobStatus status) {
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        return ((DocumentsResult) rest.result(status.id())).documents().getFirst().nll();
    }

    private static boolean allFinished(RingmemClient rest, List<String> jobs) {
        for (String id : jobs) {
            try {
                if (!rest.status(id).state().finished()) return false;
            } catch (RingmemClientException e) {
                return false; // coordinator restarting
            }
        }
        return true;
    }

    /** Waits until the cluster reports every partition backed up and {@code workers} workers. */
    private static void awaitSafe(RingmemClient rest, int workers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ClusterInfo c = rest.cluster();
                if (c.safe() && c.workers() == workers) return;
            } catch (RingmemClientException e) {
                // restarting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("cluster not safe within 2 minutes");
    }
}
