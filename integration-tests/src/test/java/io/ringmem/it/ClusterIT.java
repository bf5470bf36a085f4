package io.ringmem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator and four worker JVMs on 127.0.0.1 (tinystories-656k): the reference text scored by a ring of
 * three workers, a multi-document job, bad requests, a worker killed with SIGKILL mid-job and a coordinator
 * killed and restarted mid-job. Ordered: the fault tests run last and each leaves one process fewer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ClusterIT {
    private final ObjectMapper json = new ObjectMapper();
    private LocalCluster cluster;
    private RestClient rest;
    private int[] refIds;
    private double[] refNll;
    private double[] undisturbed; // per-token NLL of the long document, first run

    @BeforeAll
    void start() throws Exception {
        JsonNode ref = json.readTree(ItPaths.reference().toFile()).get("tinystories656k_512");
        refIds = json.convertValue(ref.get("ids"), int[].class);
        refNll = json.convertValue(ref.get("nll"), double[].class);
        cluster = new LocalCluster(ItPaths.tinyStories(), Path.of("target/it-logs/cluster"), 4,
                List.of("--max-document-tokens", "20000")).start();
        rest = cluster.rest();
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) cluster.close();
    }

    private Map<String, Object> job(List<Map<String, Object>> docs, int workers, int segmentTokens) {
        return Map.of("task", "score", "documents", docs, "workers", workers, "segmentTokens", segmentTokens, "tokenNll", true);
    }

    private JsonNode runJob(Map<String, Object> request, Duration timeout) throws Exception {
        RestClient.Response submitted = rest.post("/v1/jobs", request);
        assertEquals(202, submitted.status(), submitted.json().toString());
        String id = submitted.json().get("id").asText();
        JsonNode status = rest.awaitTerminal(id, timeout);
        assertEquals("SUCCEEDED", status.get("state").asText(), () -> status + "\n" + logs());
        RestClient.Response result = rest.get("/v1/jobs/" + id + "/result");
        assertEquals(200, result.status());
        return result.json();
    }

    private String logs() {
        try {
            return cluster.logsTail();
        } catch (Exception e) {
            return "(no logs: " + e + ")";
        }
    }

    private int[] longDocument() {
        int[] ids = new int[refIds.length * 6];
        for (int i = 0; i < ids.length; i++) ids[i] = refIds[i % refIds.length];
        return ids;
    }

    @Test
    @Order(1)
    void threeWorkerRingScoresTheReferenceTextLikeHuggingFace() throws Exception {
        JsonNode result = runJob(job(List.of(Map.of("id", "reference", "tokens", refIds)), 3, 2048), Duration.ofMinutes(3));
        JsonNode doc = result.get("documents").get(0);
        assertEquals(3, result.get("workers").asInt());
        assertEquals(512, doc.get("tokens").asInt());
        double[] nll = json.convertValue(doc.get("nll"), double[].class);
        assertEquals(refNll.length, nll.length);
        for (int i = 0; i < nll.length; i++) assertEquals(refNll[i], nll[i], 1e-4, "NLL at position " + i);
        assertEquals(refNll.length == 0 ? 0 : mean(refNll), doc.get("meanNll").asDouble(), 1e-4);
    }

    @Test
    @Order(2)
    void multiDocumentJobScoresEveryDocument() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            int len = 200 + 100 * d;
            int[] ids = new int[len];
            System.arraycopy(refIds, d * 50, ids, 0, len);
            docs.add(Map.of("id", "multi-" + d, "tokens", ids));
        }
        docs.add(Map.of("id", "multi-text", "text", "Once upon a time, there was a little dog named Max. Max liked to run in the park."));
        JsonNode result = runJob(job(docs, 2, 128), Duration.ofMinutes(3));
        assertEquals(4, result.get("documents").size());
        for (int d = 0; d < 3; d++) {
            JsonNode doc = result.get("documents").get(d);
            assertEquals("multi-" + d, doc.get("id").asText());
            assertEquals(200 + 100 * d, doc.get("tokens").asInt());
            assertEquals((200 + 100 * d + 127) / 128, doc.get("segments").size());
            assertTrue(doc.get("meanNll").asDouble() > 0 && doc.get("meanNll").asDouble() < 10, doc.toString());
        }
        assertTrue(result.get("documents").get(3).get("tokens").asInt() > 10);
    }

    @Test
    @Order(2)
    void cliClientsSubmitFollowAndFetchResults() throws Exception {
        Path text = cluster.logs().resolve("story.txt");
        java.nio.file.Files.writeString(text, "Once upon a time, there was a little girl named Lily. She liked to play with her red ball in the park.");
        RingmemProcess.Finished submitted = RingmemProcess.run(cluster.logs(), "cli-submit", List.of("submit", "--url", cluster.url(),
                "--workers", "2", "--segment-tokens", "8", "--wait", "--json", text.toString()), Duration.ofMinutes(3));
        assertEquals(0, submitted.exitCode(), submitted.output());
        JsonNode result = json.readTree(submitted.output().substring(submitted.output().indexOf('{')));
        JsonNode doc = result.get("documents").get(0);
        assertEquals("story.txt", doc.get("id").asText());
        assertTrue(doc.get("segments").size() >= 2, doc.toString());
        String id = result.get("id").asText();
        RingmemProcess.Finished status = RingmemProcess.run(cluster.logs(), "cli-status", List.of("status", "--url", cluster.url(), id), Duration.ofMinutes(1));
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains("\"SUCCEEDED\""), status.output());
        Path out = cluster.logs().resolve("result.json");
        RingmemProcess.Finished fetched = RingmemProcess.run(cluster.logs(), "cli-result", List.of("result", "--url", cluster.url(), "--out", out.toString(), id), Duration.ofMinutes(1));
        assertEquals(0, fetched.exitCode(), fetched.output());
        assertEquals(doc.get("meanNll").asDouble(), json.readTree(out.toFile()).get("documents").get(0).get("meanNll").asDouble(), 0.0);
        RingmemProcess.Finished missing = RingmemProcess.run(cluster.logs(), "cli-missing", List.of("status", "--url", cluster.url(), "job-nope"), Duration.ofMinutes(1));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.output().contains("no job 'job-nope' (HTTP 404)"), missing.output());
    }

    @Test
    @Order(2)
    void embedAskAndGenerateRunOnTheWorkersAndMetricsShowTheWork() throws Exception {
        JsonNode embed = runJob(Map.of("task", "embed", "documents", List.of(Map.of("id", "embedded", "tokens", java.util.Arrays.copyOf(refIds, 300))),
                "workers", 2, "segmentTokens", 128), Duration.ofMinutes(3));
        JsonNode doc = embed.get("documents").get(0);
        assertEquals(128, doc.get("embedding").size());
        assertEquals(3, doc.get("segments").size());
        for (JsonNode s : doc.get("segments")) assertEquals(128, s.get("embedding").size());

        JsonNode ask = runJob(Map.of("task", "ask", "documents", List.of(Map.of("id", "reference")), "question", "Who was there?",
                "maxTokens", 8), Duration.ofMinutes(3));
        JsonNode answer = ask.get("documents").get(0);
        assertEquals("reference", answer.get("id").asText());
        assertTrue(answer.get("tokens").asInt() >= 1 && answer.get("tokens").asInt() <= 8, answer.toString());
        assertTrue(answer.hasNonNull("answer"), answer.toString());
        RestClient.Response neverSeen = rest.post("/v1/jobs", Map.of("task", "ask", "documents", List.of(Map.of("id", "never-seen")), "question", "Why?"));
        assertEquals(404, neverSeen.status(), neverSeen.json().toString());

        JsonNode gen = runJob(Map.of("task", "generate", "prompt", "Once upon a time", "maxTokens", 12), Duration.ofMinutes(3));
        assertTrue(gen.get("tokens").asInt() >= 1, gen.toString());
        assertTrue(gen.get("text").asText().length() > 0, gen.toString());

        assertEquals(200, cluster.workerHttp(0).get("/health/ready").status());
        assertEquals(200, cluster.workerHttp(0).get("/health/live").status());
        String metrics = cluster.workerHttp(0).getText("/metrics");
        assertTrue(metrics.contains("ringmem_worker_tokens_total"), metrics);
        assertTrue(metrics.contains("ringmem_worker_requests_seconds_count{outcome=\"ok\",type=\"ShardTask\"}"), metrics);
        String coordinatorMetrics = new RestClient(java.net.URI.create(cluster.url())).getText("/metrics");
        assertTrue(coordinatorMetrics.contains("ringmem_jobs_submitted_total"), coordinatorMetrics);
        assertTrue(coordinatorMetrics.contains("ringmem_workers 4.0"), coordinatorMetrics);
    }

    @Test
    @Order(3)
    void badRequestsGetClearFourHundredsAndChangeNothing() throws Exception {
        int before = rest.get("/v1/jobs").json().size();
        RestClient.Response unknownModel = rest.post("/v1/jobs", Map.of("task", "score", "model", "no-such-model",
                "documents", List.of(Map.of("id", "a", "tokens", new int[]{1, 2, 3}))));
        assertEquals(404, unknownModel.status());
        assertTrue(unknownModel.json().get("error").asText().contains("no-such-model"), unknownModel.json().toString());
        RestClient.Response empty = rest.post("/v1/jobs", Map.of("task", "score", "documents", List.of(Map.of("id", "e", "text", ""))));
        assertEquals(400, empty.status());
        assertTrue(empty.json().get("error").asText().contains("empty"), empty.json().toString());
        RestClient.Response oversized = rest.post("/v1/jobs", Map.of("task", "score", "documents", List.of(Map.of("id", "big", "tokens", new int[20001]))));
        assertEquals(413, oversized.status());
        assertTrue(oversized.json().get("error").asText().contains("20000"), oversized.json().toString());
        RestClient.Response malformed = rest.post("/v1/jobs", "{\"task\": \"score\", \"documents\": [");
        assertEquals(400, malformed.status());
        assertTrue(malformed.json().get("error").asText().startsWith("malformed JSON"), malformed.json().toString());
        RestClient.Response unknownField = rest.post("/v1/jobs", "{\"task\": \"score\", \"docs\": []}");
        assertEquals(400, unknownField.status());
        assertEquals(404, rest.get("/v1/jobs/job-nope").status());
        assertEquals(before, rest.get("/v1/jobs").json().size(), "a refused request must not create a job");
    }

    @Test
    @Order(4)
    void killingAWorkerMidJobGivesTheSameResult() throws Exception {
        int[] ids = longDocument();
        JsonNode first = runJob(job(List.of(Map.of("id", "long-a", "tokens", ids)), 3, 256), Duration.ofMinutes(5));
        undisturbed = json.convertValue(first.get("documents").get(0).get("nll"), double[].class);

        RestClient.Response submitted = rest.post("/v1/jobs", job(List.of(Map.of("id", "long-b", "tokens", ids)), 3, 256));
        String id = submitted.json().get("id").asText();
        awaitSegments(id, 3);
        awaitRunning(1); // worker-2 is in the ring (rings take the first free workers by name) and runs its shard now
        cluster.worker(1).kill();
        JsonNode status = rest.awaitTerminal(id, Duration.ofMinutes(5));
        assertEquals("SUCCEEDED", status.get("state").asText(), () -> status + "\n" + logs());
        assertTrue(status.get("attempts").asInt() >= 1, "the kill must have interrupted a segment: " + status);
        JsonNode doc = rest.get("/v1/jobs/" + id + "/result").json().get("documents").get(0);
        assertArrayEquals(undisturbed, json.convertValue(doc.get("nll"), double[].class), "result after recovery differs");
        cluster.awaitWorkers(3, Duration.ofSeconds(60));
    }

    @Test
    @Order(5)
    void coordinatorRestartKeepsTheJob() throws Exception {
        int[] ids = longDocument();
        RestClient.Response submitted = rest.post("/v1/jobs", job(List.of(Map.of("id", "long-c", "tokens", ids)), 3, 256));
        String id = submitted.json().get("id").asText();
        awaitSegments(id, 2);
        cluster.coordinator().kill();
        cluster.startCoordinator();
        JsonNode status = rest.awaitTerminal(id, Duration.ofMinutes(5));
        assertEquals("SUCCEEDED", status.get("state").asText(), () -> status + "\n" + logs());
        JsonNode doc = rest.get("/v1/jobs/" + id + "/result").json().get("documents").get(0);
        assertArrayEquals(undisturbed, json.convertValue(doc.get("nll"), double[].class), "result after restart differs");
    }

    /** Waits until worker {@code i} reports a request running (its shard of the current segment). */
    private void awaitRunning(int i) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : cluster.workerHttp(i).getText("/metrics").split("\n")) {
                if (line.startsWith("ringmem_worker_requests_active ") && Double.parseDouble(line.substring(line.indexOf(' ') + 1)) >= 1) return;
            }
        }
        throw new AssertionError("worker " + (i + 1) + " ran no request within a minute\n" + logs());
    }

    private void awaitSegments(String id, int segments) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = rest.get("/v1/jobs/" + id).json();
            if (s.get("progress").get("segmentsDone").asInt() >= segments) return;
            if (s.get("state").asText().equals("SUCCEEDED")) throw new AssertionError("job finished before the fault could be injected");
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach " + segments + " segments\n" + logs());
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }
}
