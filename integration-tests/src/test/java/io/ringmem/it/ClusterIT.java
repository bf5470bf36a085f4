package io.ringmem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.api.AskResult;
import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.GenerateResult;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    private RingmemClient client;
    private int[] refIds;
    private double[] refNll;
    private double[] undisturbed; // per-token NLL of the long document, first run

    @BeforeAll
    void start() throws Exception {
        JsonNode ref = json.readTree(ItPaths.reference().toFile()).get("tinystories656k_512");
        refIds = json.convertValue(ref.get("ids"), int[].class);
        refNll = json.convertValue(ref.get("nll"), double[].class);
        cluster = new LocalCluster(ItPaths.tinyStories(), Path.of("target/it-logs/cluster"), 4,
                List.of("--max-document-tokens", "20000", "--max-job-tokens", "30000")).start();
        client = cluster.client();
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) cluster.close();
    }

    private static JobRequest job(List<DocumentInput> docs, int workers, int segmentTokens) {
        return JobRequest.builder("score").documents(docs).workers(workers).segmentTokens(segmentTokens).tokenNll(true).build();
    }

    private JobResult runJob(JobRequest request, Duration timeout) {
        String id = client.submit(request).id();
        JobStatus status = JobPolls.awaitTerminal(client, id, timeout);
        assertEquals(JobState.SUCCEEDED, status.state(), () -> status + "\n" + logs());
        return client.result(id);
    }

    private DocumentsResult score(JobRequest request, Duration timeout) {
        return (DocumentsResult) runJob(request, timeout);
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
        DocumentsResult result = score(job(List.of(DocumentInput.tokens("reference", refIds)), 3, 2048), Duration.ofMinutes(3));
        DocumentResult doc = result.documents().getFirst();
        assertEquals(3, result.workers());
        assertEquals(512, doc.tokens());
        double[] nll = doc.nll();
        assertEquals(refNll.length, nll.length);
        for (int i = 0; i < nll.length; i++) assertEquals(refNll[i], nll[i], 1e-4, "NLL at position " + i);
        assertEquals(refNll.length == 0 ? 0 : mean(refNll), doc.meanNll(), 1e-4);
    }

    @Test
    @Order(2)
    void multiDocumentJobScoresEveryDocument() throws Exception {
        List<DocumentInput> docs = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            int len = 200 + 100 * d;
            int[] ids = new int[len];
            System.arraycopy(refIds, d * 50, ids, 0, len);
            docs.add(DocumentInput.tokens("multi-" + d, ids));
        }
        docs.add(DocumentInput.text("multi-text", "Once upon a time, there was a little dog named Max. Max liked to run in the park."));
        DocumentsResult result = score(job(docs, 2, 128), Duration.ofMinutes(3));
        assertEquals(4, result.documents().size());
        for (int d = 0; d < 3; d++) {
            DocumentResult doc = result.documents().get(d);
            assertEquals("multi-" + d, doc.id());
            assertEquals(200 + 100 * d, doc.tokens());
            assertEquals((200 + 100 * d + 127) / 128, doc.segments().size());
            assertTrue(doc.meanNll() > 0 && doc.meanNll() < 10, doc.toString());
        }
        assertTrue(result.documents().get(3).tokens() > 10);
    }

    @Test
    @Order(2)
    void cliClientsSubmitFollowAndFetchResults() throws Exception {
        Path text = cluster.logs().resolve("story.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily. She liked to play with her red ball in the park.");
        Path keyFile = Files.writeString(cluster.logs().resolve("cli.key"), ItKeys.KEY + "\n");
        RingmemProcess.Finished submitted = RingmemProcess.run(cluster.logs(), "cli-submit", List.of("submit", "--url", cluster.url(),
                "--api-key-file", keyFile.toString(), "--workers", "2", "--segment-tokens", "8", "--wait", "--json", text.toString()),
                Duration.ofMinutes(3));
        assertEquals(0, submitted.exitCode(), submitted.output());
        JsonNode result = json.readTree(submitted.output().substring(submitted.output().indexOf('{')));
        JsonNode doc = result.get("documents").get(0);
        assertEquals("story.txt", doc.get("id").asText());
        assertTrue(doc.get("segments").size() >= 2, doc.toString());
        String id = result.get("id").asText();
        RingmemProcess.Finished status = RingmemProcess.run(cluster.logs(), "cli-status",
                List.of("status", "--url", cluster.url(), id), Map.of("RINGMEM_API_KEY", ItKeys.KEY), Duration.ofMinutes(1));
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains("\"SUCCEEDED\""), status.output());
        Path out = cluster.logs().resolve("result.json");
        RingmemProcess.Finished fetched = RingmemProcess.run(cluster.logs(), "cli-result",
                List.of("result", "--url", cluster.url(), "--api-key-file", keyFile.toString(), "--out", out.toString(), id),
                Duration.ofMinutes(1));
        assertEquals(0, fetched.exitCode(), fetched.output());
        assertEquals(doc.get("meanNll").asDouble(), json.readTree(out.toFile()).get("documents").get(0).get("meanNll").asDouble(), 0.0);
        RingmemProcess.Finished missing = RingmemProcess.run(cluster.logs(), "cli-missing",
                List.of("status", "--url", cluster.url(), "--api-key-file", keyFile.toString(), "job-nope"), Duration.ofMinutes(1));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.output().contains("no job 'job-nope' (HTTP 404)"), missing.output());
        RingmemProcess.Finished noKey = RingmemProcess.run(cluster.logs(), "cli-no-key",
                List.of("status", "--url", cluster.url(), id), Duration.ofMinutes(1));
        assertEquals(1, noKey.exitCode());
        assertTrue(noKey.output().contains("authentication required") && noKey.output().contains("(HTTP 401)"), noKey.output());
        assertTrue(noKey.output().strip().lines().filter(l -> l.startsWith("ringmem:")).count() == 1, "one line: " + noKey.output());
        List<JsonNode> audit = new ArrayList<>();
        for (String line : Files.readAllLines(cluster.logs().resolve("audit.jsonl"))) audit.add(json.readTree(line));
        assertTrue(audit.stream().anyMatch(a -> a.get("action").asText().equals("submit") && a.path("job").asText().equals(id)
                && a.path("key").asText().equals("it") && a.get("status").asInt() == 202), "the audit log has the submit: " + audit);
        assertTrue(audit.stream().anyMatch(a -> a.get("action").asText().equals("status") && a.path("key").isMissingNode()
                && a.get("status").asInt() == 401), "and the refused status request");
        assertTrue(Files.readString(cluster.logs().resolve("audit.jsonl")).indexOf(ItKeys.KEY) < 0, "no key in the audit log");
    }

    @Test
    @Order(2)
    void embedAskAndGenerateRunOnTheWorkersAndMetricsShowTheWork() throws Exception {
        DocumentsResult embed = score(JobRequest.builder("embed").documents(DocumentInput.tokens("embedded", Arrays.copyOf(refIds, 300)))
                .workers(2).segmentTokens(128).build(), Duration.ofMinutes(3));
        DocumentResult doc = embed.documents().getFirst();
        assertEquals(128, doc.embedding().length);
        assertEquals(3, doc.segments().size());
        for (var s : doc.segments()) assertEquals(128, s.embedding().length);

        AskResult ask = (AskResult) runJob(JobRequest.builder("ask").documents(DocumentInput.ref("reference")).question("Who was there?")
                .maxTokens(8).build(), Duration.ofMinutes(3));
        AskResult.Answer answer = ask.documents().getFirst();
        assertEquals("reference", answer.id());
        assertTrue(answer.tokens() >= 1 && answer.tokens() <= 8, answer.toString());
        assertTrue(answer.answer() != null, answer.toString());
        RingmemClientException neverSeen = assertThrows(RingmemClientException.class, () -> client.submit(
                JobRequest.builder("ask").documents(DocumentInput.ref("never-seen")).question("Why?").build()));
        assertEquals(404, neverSeen.status(), neverSeen.getMessage());

        GenerateResult gen = (GenerateResult) runJob(JobRequest.builder("generate").prompt("Once upon a time").maxTokens(12).build(),
                Duration.ofMinutes(3));
        assertTrue(gen.tokens() >= 1, gen.toString());
        assertTrue(gen.text().length() > 0, gen.toString());

        assertEquals(200, cluster.workerHttp(0).get("/health/ready").status());
        assertEquals(200, cluster.workerHttp(0).get("/health/live").status());
        String metrics = cluster.workerHttp(0).getText("/metrics");
        assertTrue(metrics.contains("ringmem_worker_tokens_total"), metrics);
        assertTrue(metrics.contains("ringmem_worker_requests_seconds_count{outcome=\"ok\",type=\"ShardTask\",worker=\""), metrics);
        String coordinatorMetrics = cluster.http().getText("/metrics");
        assertTrue(coordinatorMetrics.contains("ringmem_jobs_submitted_total"), coordinatorMetrics);
        assertTrue(coordinatorMetrics.contains("ringmem_workers 4.0"), coordinatorMetrics);
    }

    @Test
    @Order(3)
    void badRequestsGetClearFourHundredsAndChangeNothing() throws Exception {
        int before = client.list().size();
        RingmemClientException unknownModel = refused(JobRequest.builder("score").model("no-such-model")
                .documents(DocumentInput.tokens("a", 1, 2, 3)).build());
        assertEquals(404, unknownModel.status());
        assertTrue(unknownModel.getMessage().contains("no-such-model"), unknownModel.getMessage());
        RingmemClientException empty = refused(JobRequest.builder("score").documents(DocumentInput.text("e", "")).build());
        assertEquals(400, empty.status());
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        RingmemClientException oversized = refused(JobRequest.builder("score").documents(DocumentInput.tokens("big", new int[20001]))
                .build());
        assertEquals(413, oversized.status());
        assertTrue(oversized.getMessage().contains("20000"), oversized.getMessage());
        RingmemClientException keep = refused(JobRequest.builder("score").documents(DocumentInput.tokens("k", 1, 2, 3))
                .kvKeepRatio(0.0).build());
        assertEquals(400, keep.status());
        assertTrue(keep.getMessage().contains("kvKeepRatio"), keep.getMessage());
        RawHttp.Response malformed = cluster.http().post("/v1/jobs", "{\"task\": \"score\", \"documents\": [");
        assertEquals(400, malformed.status());
        assertTrue(malformed.error().startsWith("malformed JSON"), malformed.body());
        RawHttp.Response unknownField = cluster.http().post("/v1/jobs", "{\"task\": \"score\", \"docs\": []}");
        assertEquals(400, unknownField.status());
        RingmemClientException overJob = refused(JobRequest.builder("score").documents(DocumentInput.tokens("j1", new int[20000]),
                DocumentInput.tokens("j2", new int[20000])).build());
        assertEquals(413, overJob.status());
        assertTrue(overJob.getMessage().contains("--max-job-tokens"), overJob.getMessage());
        RawHttp.Response stringWorkers = cluster.http().post("/v1/jobs",
                "{\"task\": \"score\", \"workers\": \"2\", \"documents\": [{\"tokens\": [1, 2, 3]}]}");
        assertEquals(400, stringWorkers.status());
        assertTrue(stringWorkers.error().contains("'workers'"), stringWorkers.body());
        RawHttp.Response hugeTopK = cluster.http().post("/v1/jobs",
                "{\"task\": \"score\", \"retrieveTopK\": 2147483647, \"documents\": [{\"tokens\": [1, 2, 3]}]}");
        assertEquals(400, hugeTopK.status());
        assertTrue(hugeTopK.error().startsWith("retrieveTopK must be in 0.."), hugeTopK.body());
        RawHttp.Response noPath = cluster.http().get("/v1/nothing-here");
        assertEquals(404, noPath.status());
        assertTrue(noPath.error().contains("/v1/nothing-here"), noPath.body());
        assertEquals(404, assertThrows(RingmemClientException.class, () -> client.status("job-nope")).status());
        assertEquals(before, client.list().size(), "a refused request must not create a job");
    }

    private RingmemClientException refused(JobRequest request) {
        return assertThrows(RingmemClientException.class, () -> client.submit(request));
    }

    @Test
    @Order(4)
    void killingAWorkerMidJobGivesTheSameResult() throws Exception {
        int[] ids = longDocument();
        DocumentsResult first = score(job(List.of(DocumentInput.tokens("long-a", ids)), 3, 256), Duration.ofMinutes(5));
        undisturbed = first.documents().getFirst().nll();

        // The kill interrupts a segment only if worker-2's shard is still running when the signal lands (its shards
        // take milliseconds here); otherwise it lands between two segments and the next ring takes the spare worker.
        // Up to three runs try for an interrupted segment; every run, interrupted or not, must give the undisturbed
        // result. Retrying an interrupted segment is covered deterministically by SegmentExecutorTest (fake gateway)
        // and in one JVM by WorkerLossTest.
        JobStatus interrupted = null;
        for (int run = 0; run < 3 && interrupted == null; run++) {
            if (run > 0) {
                cluster.restartWorker(1);
                cluster.awaitWorkers(4, Duration.ofSeconds(60));
            }
            String id = client.submit(job(List.of(DocumentInput.tokens("long-b-" + run, ids)), 3, 256)).id();
            awaitSegments(id, 3);
            awaitRunning(1); // worker-2 is in the ring (rings take the first free workers by name) and runs its shard now
            cluster.worker(1).kill();
            JobStatus status = JobPolls.awaitTerminal(client, id, Duration.ofMinutes(5));
            assertEquals(JobState.SUCCEEDED, status.state(), () -> status + "\n" + logs());
            DocumentResult doc = ((DocumentsResult) client.result(id)).documents().getFirst();
            assertArrayEquals(undisturbed, doc.nll(), "result after recovery differs");
            if (status.attempts() >= 1) interrupted = status;
        }
        cluster.awaitWorkers(3, Duration.ofSeconds(60));
    }

    @Test
    @Order(5)
    void coordinatorRestartKeepsTheJob() throws Exception {
        int[] ids = longDocument();
        String id = client.submit(job(List.of(DocumentInput.tokens("long-c", ids)), 3, 256)).id();
        awaitSegments(id, 2);
        cluster.coordinator().kill();
        cluster.startCoordinator();
        JobStatus status = JobPolls.awaitTerminal(client, id, Duration.ofMinutes(5));
        assertEquals(JobState.SUCCEEDED, status.state(), () -> status + "\n" + logs());
        DocumentResult doc = ((DocumentsResult) client.result(id)).documents().getFirst();
        assertArrayEquals(undisturbed, doc.nll(), "result after restart differs");
    }

    /** Waits until worker {@code i} reports a request running (its shard of the current segment). */
    private void awaitRunning(int i) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : cluster.workerHttp(i).getText("/metrics").split("\n")) {
                if (line.startsWith("ringmem_worker_requests_active{worker=")
                        && Double.parseDouble(line.substring(line.indexOf(' ') + 1)) >= 1) {
                    return;
                }
            }
        }
        throw new AssertionError("worker " + (i + 1) + " ran no request within a minute\n" + logs());
    }

    private void awaitSegments(String id, int segments) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus s = client.status(id);
            if (s.progress().segmentsDone() >= segments) return;
            if (s.state() == JobState.SUCCEEDED) throw new AssertionError("job finished before the fault could be injected");
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
