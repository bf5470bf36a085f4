package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.TestData;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication, tenancy, rate limits, quotas and the audit log of the REST API, over real HTTP on a coordinator with
 * a real Hazelcast member and no workers (jobs stay QUEUED until cancelled). Keys: see {@link TestCoordinator}.
 */
class RestAuthTest {
    private static final String SCORE = "{\"task\":\"score\",\"documents\":[{\"id\":\"d1\",\"tokens\":[1,2,3]}],\"workers\":2}";
    private static final RunnerSettings SETTINGS = new RunnerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofMinutes(10), 4, Duration.ofSeconds(1), Duration.ofMinutes(10), 1);
    private static LoadedModel model;
    private static TestCoordinator coordinator;

    @BeforeAll
    static void start() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        coordinator = new TestCoordinator(new FakeGateway(), model.tokenizer(), model.config().vocabSize(), SETTINGS, Set.of()::contains);
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        model.close();
    }

    private static String submit(String key) throws Exception {
        TestCoordinator.Response r = coordinator.send("POST", "/v1/jobs", SCORE, key);
        assertEquals(202, r.status(), r.body());
        return r.json().get("id").asText();
    }

    private static List<String> ids(String key) throws Exception {
        TestCoordinator.Response r = coordinator.send("GET", "/v1/jobs", null, key);
        assertEquals(200, r.status(), r.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode j : r.json()) ids.add(j.get("id").asText());
        return ids;
    }

    private static void unauthorized(TestCoordinator.Response r, boolean wrongKey) {
        assertEquals(401, r.status(), r.body());
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"));
        String challenge = r.header("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer realm=\"ringmem\""), challenge);
        assertEquals(wrongKey, challenge.contains("invalid_token"), challenge);
        assertTrue(r.error().contains(wrongKey ? "invalid API key" : "authentication required"), r.error());
    }

    @Test
    void requestsWithoutOrWithAWrongKeyAre401() throws Exception {
        int jobs = ids(TestCoordinator.ADMIN_KEY).size();
        unauthorized(coordinator.send("POST", "/v1/jobs", SCORE, null), false);
        unauthorized(coordinator.send("GET", "/v1/jobs", null, null), false);
        unauthorized(coordinator.send("GET", "/v1/jobs/job-x", null, null), false);
        unauthorized(coordinator.send("GET", "/no/such/endpoint", null, null), false); // endpoints are not revealed either
        unauthorized(coordinator.send("POST", "/v1/jobs", SCORE, "wrong-0123456789abcdef0123456789"), true);
        unauthorized(coordinator.send("POST", "/v1/jobs", SCORE, TestCoordinator.KEY + "x"), true);
        unauthorized(coordinator.send("GET", "/v1/jobs", null, ""), true);
        assertEquals(jobs, ids(TestCoordinator.ADMIN_KEY).size(), "a refused request creates no job");
    }

    @Test
    void theKeyMayComeAsXApiKeyButNotAsAnotherScheme() throws Exception {
        var raw = coordinator.rawGet("/v1/jobs", "X-Api-Key", TestCoordinator.KEY);
        assertEquals(200, raw.statusCode(), raw.body());
        raw = coordinator.rawGet("/v1/jobs", "Authorization", "Basic " + TestCoordinator.KEY);
        assertEquals(401, raw.statusCode(), raw.body());
        raw = coordinator.rawGet("/v1/jobs", "Authorization", "bearer " + TestCoordinator.KEY); // the scheme is case-insensitive
        assertEquals(200, raw.statusCode(), raw.body());
    }

    @Test
    void probesAreOpenMetricsNeedAKeyRingAddressesAnAdminKey() throws Exception {
        assertEquals(200, coordinator.send("GET", "/health/live", null, null).status());
        assertEquals(200, coordinator.send("GET", "/health/ready", null, null).status());
        unauthorized(coordinator.send("GET", "/metrics", null, null), false);
        assertEquals(200, coordinator.send("GET", "/metrics", null, TestCoordinator.KEY).status());
        TestCoordinator.Response workers = coordinator.send("GET", "/v1/workers", null, TestCoordinator.KEY);
        assertEquals(403, workers.status(), workers.body());
        assertTrue(workers.error().contains("admin"), workers.error());
        unauthorized(coordinator.send("GET", "/v1/workers", null, null), false);
        assertEquals(200, coordinator.send("GET", "/v1/workers", null, TestCoordinator.ADMIN_KEY).status());
    }

    @Test
    void anotherTenantsJobIsNotFoundAndAnAdminSeesEveryJob() throws Exception {
        String mine = submit(TestCoordinator.KEY);
        String theirs = submit(TestCoordinator.OTHER_KEY);
        assertTrue(ids(TestCoordinator.KEY).contains(mine));
        assertFalse(ids(TestCoordinator.KEY).contains(theirs), "a user lists only its own jobs");
        assertFalse(ids(TestCoordinator.OTHER_KEY).contains(mine));
        TestCoordinator.Response unknown = coordinator.send("GET", "/v1/jobs/job-none", null, TestCoordinator.OTHER_KEY);
        for (String path : List.of("/v1/jobs/" + mine, "/v1/jobs/" + mine + "/result")) {
            TestCoordinator.Response r = coordinator.send("GET", path, null, TestCoordinator.OTHER_KEY);
            assertEquals(404, r.status(), path + ": " + r.body());
            assertEquals(unknown.error().replace("job-none", mine), r.error(), "the same answer as for an unknown job");
        }
        assertEquals(404, coordinator.send("DELETE", "/v1/jobs/" + mine, null, TestCoordinator.OTHER_KEY).status());
        JsonNode after = coordinator.send("GET", "/v1/jobs/" + mine, null, TestCoordinator.KEY).json();
        assertTrue(Set.of("QUEUED", "RUNNING").contains(after.get("state").asText()) && after.path("cancelRequested").isMissingNode(),
                "another tenant's cancel left the job alone: " + after);
        List<String> all = ids(TestCoordinator.ADMIN_KEY);
        assertTrue(all.contains(mine) && all.contains(theirs), "an admin lists every job");
        assertEquals(200, coordinator.send("GET", "/v1/jobs/" + theirs, null, TestCoordinator.ADMIN_KEY).status());
        assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + theirs, null, TestCoordinator.ADMIN_KEY).status());
        assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + mine, null, TestCoordinator.KEY).status());
    }

    @Test
    void aKeyOverItsBurstGets429WithRetryAfterUntilTheBucketRefills() throws Exception {
        synchronized (RestAuthTest.class) {
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(10)); // a full bucket: burst 2, 1 request/s
            assertEquals(200, coordinator.send("GET", "/v1/jobs", null, TestCoordinator.LIMITED_KEY).status());
            assertEquals(200, coordinator.send("GET", "/v1/jobs", null, TestCoordinator.LIMITED_KEY).status());
            TestCoordinator.Response r = coordinator.send("GET", "/v1/jobs", null, TestCoordinator.LIMITED_KEY);
            assertEquals(429, r.status(), r.body());
            assertEquals("1", r.header("Retry-After").orElseThrow());
            assertTrue(r.error().contains("rate limit of key 'limited'"), r.error());
            assertEquals(200, coordinator.send("GET", "/v1/jobs", null, TestCoordinator.KEY).status(), "other keys are not limited");
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
            assertEquals(200, coordinator.send("GET", "/v1/jobs", null, TestCoordinator.LIMITED_KEY).status(), "one token refilled");
        }
    }

    @Test
    void aKeyAtItsActiveJobQuotaGets429UntilAJobFinishes() throws Exception {
        synchronized (RestAuthTest.class) {
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
            String first = submit(TestCoordinator.LIMITED_KEY); // quota 1, and the job stays queued: no workers
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
            TestCoordinator.Response r = coordinator.send("POST", "/v1/jobs", SCORE, TestCoordinator.LIMITED_KEY);
            assertEquals(429, r.status(), r.body());
            assertEquals(String.valueOf(CoordinatorService.QUOTA_RETRY_AFTER_SECONDS), r.header("Retry-After").orElseThrow());
            assertTrue(r.error().contains("quota is 1"), r.error());
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
            assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + first, null, TestCoordinator.LIMITED_KEY).status());
            awaitCancelled(first);
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
            String second = submit(TestCoordinator.LIMITED_KEY);
            coordinator.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
            assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + second, null, TestCoordinator.LIMITED_KEY).status());
        }
    }

    /** Polls (as admin) until the job is CANCELLED: a running job stops at the runner's next check. */
    private static void awaitCancelled(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state;
        do {
            state = coordinator.send("GET", "/v1/jobs/" + id, null, TestCoordinator.ADMIN_KEY).json().get("state").asText();
            if (state.equals("CANCELLED")) return;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " is " + state + ", not CANCELLED");
    }

    @Test
    void everyRequestLeavesAParseableAuditLineWithoutTheSecret() throws Exception {
        String id = submit(TestCoordinator.KEY);
        coordinator.send("GET", "/v1/jobs/" + id, null, TestCoordinator.KEY);
        coordinator.send("GET", "/v1/jobs/" + id, null, TestCoordinator.OTHER_KEY);
        coordinator.send("DELETE", "/v1/jobs/" + id, null, null);
        coordinator.send("DELETE", "/v1/jobs/" + id, null, TestCoordinator.KEY);
        coordinator.send("GET", "/health/ready", null, null);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : coordinator.audit()) {
            for (String secret : List.of(TestCoordinator.KEY, TestCoordinator.OTHER_KEY, TestCoordinator.ADMIN_KEY)) {
                assertFalse(line.contains(secret), "an audit line holds a secret: " + line);
            }
            JsonNode n = json.readTree(line);
            assertTrue(n.get("time").asText().endsWith("Z"), line);
            assertEquals("127.0.0.1", n.get("remote").asText(), line);
            if (id.equals(n.path("job").asText())) lines.add(n);
        }
        assertEquals(List.of("submit tester 202", "status tester 200", "status other 404", "cancel null 401", "cancel tester 200"),
                lines.stream().map(n -> n.get("action").asText() + " " + n.path("key").asText("null") + " " + n.get("status").asInt())
                        .toList());
        assertNull(lines.get(3).get("key"), "an unauthenticated request has no key id");
        assertTrue(coordinator.audit().stream().noneMatch(l -> l.contains("/health")), "probes are not audited");
    }
}
