package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.TestData;
import io.ringmem.api.JobState;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.protocol.ShardTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API (docs/cluster.md) over real HTTP, on a coordinator with a real Hazelcast member. The shared
 * coordinator has no workers, so its jobs stay unfinished until cancelled; the result path runs on a second one
 * whose fake workers answer.
 */
class RestApiTest {
    private static final String SCORE = "{\"task\":\"score\",\"documents\":[{\"id\":\"d1\",\"tokens\":[1,2,3]}],\"workers\":2}";
    /** One job at a time, so a second job stays queued behind a first that waits for workers. */
    private static final RunnerSettings SETTINGS = new RunnerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofMinutes(10), 4, Duration.ofSeconds(1), Duration.ofMinutes(10), 1);
    private static LoadedModel model;
    private static FakeGateway noWorkers;
    private static TestCoordinator coordinator;

    @BeforeAll
    static void start() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        noWorkers = new FakeGateway();
        coordinator = new TestCoordinator(noWorkers, model.tokenizer(), model.config().vocabSize(), SETTINGS,
                Set.of("processed")::contains);
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        model.close();
    }

    private static String submit(String body) throws Exception {
        TestCoordinator.Response r = coordinator.post("/v1/jobs", body);
        assertEquals(202, r.status(), r.body());
        return r.json().get("id").asText();
    }

    private static List<String> jobIds() throws Exception {
        TestCoordinator.Response r = coordinator.get("/v1/jobs");
        assertEquals(200, r.status(), r.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode j : r.json()) ids.add(j.get("id").asText());
        return ids;
    }

    private static void refused(int status, String fragment, String body) throws Exception {
        int jobs = jobIds().size();
        TestCoordinator.Response r = coordinator.post("/v1/jobs", body);
        assertEquals(status, r.status(), r.body());
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"), r.raw().headers().toString());
        assertTrue(r.error().contains(fragment), "error '" + r.error() + "' should contain '" + fragment + "'");
        assertFalse(r.header("Location").isPresent());
        assertEquals(jobs, jobIds().size(), "a refused request creates no job");
    }

    @Test
    void submitAnswers202WithLocationAndStatus() throws Exception {
        TestCoordinator.Response r = coordinator.post("/v1/jobs", SCORE);
        assertEquals(202, r.status(), r.body());
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"));
        JsonNode s = r.json();
        String id = s.get("id").asText();
        assertTrue(id.startsWith("job-"), id);
        assertEquals("/v1/jobs/" + id, r.header("Location").orElseThrow());
        assertEquals("QUEUED", s.get("state").asText());
        assertEquals("score", s.get("task").asText());
        assertEquals(2, s.get("workers").asInt());
        assertEquals(0, s.get("attempts").asInt());
        Instant.parse(s.get("submittedAt").asText());
        Instant.parse(s.get("updatedAt").asText());
        JsonNode p = s.get("progress");
        assertEquals(0, p.get("documentsDone").asInt());
        assertEquals(1, p.get("documentsTotal").asInt());
        assertEquals(0, p.get("segmentsDone").asInt());
        assertEquals(1, p.get("segmentsTotal").asInt());
        assertEquals(0.0, p.get("fraction").asDouble());
        assertFalse(s.has("error"));
        assertTrue(jobIds().contains(id));
    }

    @Test
    void statusOfAJob() throws Exception {
        String id = submit("{\"task\":\"embed\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,2,3,4,5]},{\"text\":\"Once upon a time\"}],"
                + "\"segmentTokens\":2}");
        TestCoordinator.Response r = coordinator.get("/v1/jobs/" + id);
        assertEquals(200, r.status(), r.body());
        JsonNode s = r.json();
        assertEquals(id, s.get("id").asText());
        assertEquals("embed", s.get("task").asText());
        assertTrue(Set.of("QUEUED", "RUNNING").contains(s.get("state").asText()), s.toString());
        assertEquals(2, s.get("progress").get("documentsTotal").asInt());
        int textTokens = model.tokenizer().encode("Once upon a time").length + 1;
        assertEquals(3 + (textTokens + 1) / 2, s.get("progress").get("segmentsTotal").asInt(), "5 tokens in 3 segments of 2, and the text");
    }

    @Test
    void listIsNewestFirst() throws Exception {
        String first = submit(SCORE), second = submit(SCORE);
        List<String> ids = jobIds();
        assertTrue(ids.indexOf(second) >= 0 && ids.indexOf(second) < ids.indexOf(first), ids.toString());
        JsonNode list = coordinator.get("/v1/jobs").json();
        assertTrue(list.isArray());
        for (JsonNode j : list) assertTrue(j.has("state") && j.has("progress"), j.toString());
    }

    @Test
    void workersWithoutWorkersIsAnEmptyList() throws Exception {
        TestCoordinator.Response r = coordinator.send("GET", "/v1/workers", null, TestCoordinator.ADMIN_KEY);
        assertEquals(200, r.status());
        assertTrue(r.json().isArray());
        assertEquals(0, r.json().size());
    }

    @Test
    void resultBeforeTheJobIsDoneIs409() throws Exception {
        String id = submit(SCORE);
        TestCoordinator.Response r = coordinator.get("/v1/jobs/" + id + "/result");
        assertEquals(409, r.status(), r.body());
        assertTrue(r.error().startsWith("job '" + id + "' is "), r.error());
        assertTrue(r.error().endsWith("; the result is not ready yet"), r.error());
    }

    @Test
    void unknownJobsAre404() throws Exception {
        for (TestCoordinator.Response r : List.of(coordinator.get("/v1/jobs/job-nope"), coordinator.get("/v1/jobs/job-nope/result"),
                coordinator.send("DELETE", "/v1/jobs/job-nope", null))) {
            assertEquals(404, r.status(), r.body());
            assertEquals("no job 'job-nope'", r.error());
        }
    }

    /** Cancels every unfinished job, so the next test starts with an idle runner (jobs here never get workers). */
    @AfterEach
    void cancelEverything() throws Exception {
        List<String> open = new ArrayList<>();
        for (JsonNode j : coordinator.get("/v1/jobs").json()) {
            if (!JobState.valueOf(j.get("state").asText()).finished()) open.add(j.get("id").asText());
        }
        for (String id : open) assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + id, null).status());
        for (String id : open) coordinator.awaitState(id, JobState.CANCELLED);
    }

    @Test
    void deleteCancelsAJobWaitingForWorkers() throws Exception {
        String id = submit(SCORE);
        coordinator.awaitState(id, JobState.RUNNING); // the runner took it and waits for workers
        TestCoordinator.Response r = coordinator.send("DELETE", "/v1/jobs/" + id, null);
        assertEquals(200, r.status(), r.body());
        assertEquals(id, r.json().get("id").asText());
        assertEquals("RUNNING", r.json().get("state").asText());
        assertTrue(r.json().get("cancelRequested").asBoolean(), r.body());
        JsonNode s = coordinator.awaitState(id, JobState.CANCELLED);
        assertFalse(s.has("error"), s.toString());
        TestCoordinator.Response result = coordinator.get("/v1/jobs/" + id + "/result");
        assertEquals(409, result.status());
        assertEquals("job '" + id + "' is CANCELLED; it has no result", result.error());
        // cancelling a finished job changes nothing
        TestCoordinator.Response again = coordinator.send("DELETE", "/v1/jobs/" + id, null);
        assertEquals(200, again.status());
        assertEquals("CANCELLED", again.json().get("state").asText());
    }

    @Test
    void deleteCancelsAGenerateJobWaitingForAWorker() throws Exception {
        String id = submit("{\"task\":\"generate\",\"prompt\":\"Once upon a time\",\"maxTokens\":4}");
        coordinator.awaitState(id, JobState.RUNNING);
        assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + id, null).status());
        coordinator.awaitState(id, JobState.CANCELLED);
    }

    @Test
    void aCancelledQueuedJobIsCancelledAtOnce() throws Exception {
        String first = submit(SCORE);
        coordinator.awaitState(first, JobState.RUNNING);
        String second = submit(SCORE);
        TestCoordinator.Response r = coordinator.send("DELETE", "/v1/jobs/" + second, null);
        assertEquals(200, r.status());
        assertEquals("CANCELLED", r.json().get("state").asText(), "a job that has not started ends at once");
        assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + first, null).status());
        coordinator.awaitState(first, JobState.CANCELLED);
        coordinator.awaitState(second, JobState.CANCELLED);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        refused(400, "malformed JSON", "{\"task\":\"score\",");
        refused(400, "malformed JSON", "task=score");
        refused(400, "malformed JSON", "{\"task\":\"score\"} trailing");
    }

    @Test
    void unknownFieldsAre400NamingThem() throws Exception {
        refused(400, "unknown field 'colour'", "{\"task\":\"score\",\"colour\":\"red\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,2]}]}");
        refused(400, "unknown field 'txt'", "{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"txt\":\"hello\"}]}");
    }

    @Test
    void wrongTypesAre400() throws Exception {
        refused(400, "does not have the expected shape at 'workers'",
                "{\"task\":\"score\",\"workers\":\"three\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,2]}]}");
        refused(400, "does not have the expected shape at 'documents'", "{\"task\":\"score\",\"documents\":\"a.txt\"}");
        refused(400, "does not have the expected shape at 'documents[0].tokens[1]'",
                "{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,\"x\"]}]}");
        refused(400, "does not have the expected shape at 'documents[1].tokens[1]'",
                "{\"task\":\"score\",\"documents\":[{\"tokens\":[1,2]},{\"id\":\"a\",\"tokens\":[1,null]}]}");
        refused(400, "does not have the expected shape at 'documents[0].text'",
                "{\"task\":\"score\",\"documents\":[{\"text\":{\"a\":1}}]}");
        refused(400, "does not have the expected shape", "[{\"task\":\"score\"}]");
        refused(400, "does not have the expected shape at 'workers'",
                "{\"task\":\"score\",\"workers\":2.5,\"documents\":[{\"id\":\"a\",\"tokens\":[1,2]}]}");
        refused(400, "does not have the expected shape at 'documents[0].tokens[1]'",
                "{\"task\":\"score\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,2.7]}]}");
    }

    @Test
    void emptyBodyIs400() throws Exception {
        refused(400, "the request body is empty", "");
        refused(400, "the request body is empty", "  \n");
        refused(400, "the request body is empty", "null");
    }

    @Test
    void validationRefusalsKeepTheirStatus() throws Exception {
        refused(404, "unknown model 'gpt-2'", "{\"task\":\"score\",\"model\":\"gpt-2\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,2]}]}");
        refused(400, "unknown task 'translate'", "{\"task\":\"translate\",\"documents\":[{\"id\":\"a\",\"tokens\":[1,2]}]}");
        refused(404, "document 'fresh' has not been processed",
                "{\"task\":\"ask\",\"question\":\"Who?\",\"documents\":[{\"id\":\"fresh\"}]}");
        refused(413, "exceed this coordinator's limit of 1000",
                "{\"task\":\"score\",\"documents\":[" + "{\"tokens\":[1,2]},".repeat(1000) + "{\"tokens\":[1,2]}]}");
    }

    @Test
    void aRefusedRequestIsCountedButCreatesNoJob() throws Exception {
        double before = coordinator.metrics.get("ringmem.jobs.rejected").counter().count();
        refused(400, "\"task\" is missing", "{\"documents\":[{\"id\":\"a\",\"tokens\":[1,2]}]}");
        assertEquals(before + 1, coordinator.metrics.get("ringmem.jobs.rejected").counter().count());
    }

    @Test
    void unknownEndpointsAreJson404() throws Exception {
        TestCoordinator.Response r = coordinator.get("/v2/nothing");
        assertEquals(404, r.status(), r.body());
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("no endpoint GET /v2/nothing", r.error());
        TestCoordinator.Response put = coordinator.send("PUT", "/v1/jobs", SCORE);
        assertTrue(put.status() == 404 || put.status() == 405, put.status() + " " + put.body());
        assertFalse(put.error().isBlank());
    }

    @Test
    void healthAndMetrics() throws Exception {
        TestCoordinator.Response live = coordinator.get("/health/live");
        assertEquals(200, live.status());
        assertEquals("UP", live.json().get("status").asText());
        TestCoordinator.Response ready = coordinator.get("/health/ready");
        assertEquals(200, ready.status());
        assertEquals("READY", ready.json().get("status").asText());
        submit(SCORE);
        TestCoordinator.Response metrics = coordinator.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("ringmem_jobs_submitted"), metrics.body());
        assertTrue(metrics.body().contains("ringmem_jobs_rejected"), metrics.body());
        assertTrue(coordinator.metrics.get("ringmem.jobs.submitted").counter().count() >= 1);
    }

    /** The whole lifecycle on a coordinator whose (fake) workers answer. */
    @Test
    void answeredJobsHaveResults() throws Exception {
        try (FakeGateway workers = FakeGateway.withReachableWorkers(2);
             TestCoordinator c = new TestCoordinator(workers, model.tokenizer(), model.config().vocabSize(), SETTINGS,
                     Set.of("d1")::contains)) {
            workers.behaviour = (w, r) -> {
                if (r instanceof ShardTask t && t.documentId().equals("bad")) throw new IllegalStateException("cannot read document");
                return FakeGateway.answer(w, r);
            };
            TestCoordinator.Response ws = c.send("GET", "/v1/workers", null, TestCoordinator.ADMIN_KEY);
            assertEquals(200, ws.status());
            assertEquals(2, ws.json().size());
            assertEquals("worker-1", ws.json().get(0).get("name").asText());
            assertEquals(workers.workers.getFirst().ringAddress(), ws.json().get(0).get("ring").asText());

            String body = "{\"task\":\"score\",\"documents\":[{\"id\":\"d1\",\"tokens\":[1,2,3,4,5,6,7,8,9,10]}],\"workers\":2,"
                    + "\"segmentTokens\":4,\"tokenNll\":true}";
            String id = c.post("/v1/jobs", body).json().get("id").asText();
            JsonNode s = c.awaitState(id, JobState.SUCCEEDED);
            assertEquals(3, s.get("progress").get("segmentsDone").asInt());
            assertEquals(3, s.get("progress").get("segmentsTotal").asInt());
            assertEquals(1, s.get("progress").get("documentsDone").asInt());
            assertEquals(1.0, s.get("progress").get("fraction").asDouble());
            TestCoordinator.Response r = c.get("/v1/jobs/" + id + "/result");
            assertEquals(200, r.status(), r.body());
            JsonNode doc = r.json().get("documents").get(0);
            assertEquals("d1", doc.get("id").asText());
            assertEquals(10, doc.get("tokens").asInt());
            assertEquals(9, doc.get("nll").size());
            double mean = 0;
            for (int i = 0; i < 9; i++) {
                assertEquals(FakeGateway.nllAt(i), doc.get("nll").get(i).asDouble(), 1e-12);
                mean += FakeGateway.nllAt(i) / 9;
            }
            assertEquals(mean, doc.get("meanNll").asDouble(), 1e-12);
            assertEquals(3, doc.get("segments").size());
            assertEquals(2, r.json().get("workers").asInt());

            String gen = c.post("/v1/jobs", "{\"task\":\"generate\",\"prompt\":\"Once\",\"maxTokens\":3}").json().get("id").asText();
            c.awaitState(gen, JobState.SUCCEEDED);
            JsonNode g = c.get("/v1/jobs/" + gen + "/result").json();
            assertEquals(model.tokenizer().decode(new int[]{147, 201, 282}), g.get("text").asText());
            assertEquals(3, g.get("tokens").asInt());

            String ask = c.post("/v1/jobs", "{\"task\":\"ask\",\"question\":\"Who?\",\"documents\":[{\"id\":\"d1\"}]}")
                    .json().get("id").asText();
            c.awaitState(ask, JobState.SUCCEEDED);
            JsonNode a = c.get("/v1/jobs/" + ask + "/result").json().get("documents").get(0);
            assertEquals("d1", a.get("id").asText());
            assertEquals(model.tokenizer().decode(new int[]{147, 201}), a.get("answer").asText());

            String bad = c.post("/v1/jobs", "{\"task\":\"score\",\"documents\":[{\"id\":\"bad\",\"tokens\":[1,2,3]}]}")
                    .json().get("id").asText();
            JsonNode failed = c.awaitState(bad, JobState.FAILED);
            assertEquals("IllegalStateException: cannot read document", failed.get("error").asText());
            assertEquals(2, failed.get("attempts").asInt(), "the same failure twice with every worker reachable");
            TestCoordinator.Response noResult = c.get("/v1/jobs/" + bad + "/result");
            assertEquals(409, noResult.status());
            assertEquals("job '" + bad + "' is FAILED: IllegalStateException: cannot read document; it has no result", noResult.error());
        }
    }
}
