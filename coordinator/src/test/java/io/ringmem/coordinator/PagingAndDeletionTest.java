package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.ringmem.TestData;
import io.ringmem.api.JobPage;
import io.ringmem.api.JobState;
import io.ringmem.cluster.ClusterOptions;
import io.ringmem.cluster.Retention;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.protocol.ClusterNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paging of {@code GET /v1/jobs}, {@code DELETE /v1/documents/{id}} over the job store's maps, and the maps' TTLs,
 * on a coordinator with a real Hazelcast member and no workers (its jobs stay queued until cancelled).
 */
class PagingAndDeletionTest {
    private static final RunnerSettings SETTINGS = new RunnerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofMinutes(10), 4, Duration.ofSeconds(1), Duration.ofMinutes(10), 1);
    private static LoadedModel model;
    private static TestCoordinator coordinator;

    @BeforeAll
    static void start() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        coordinator = new TestCoordinator(new FakeGateway(), model.tokenizer(), model.config().vocabSize(), SETTINGS, doc -> false);
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        model.close();
    }

    private static String submit(String docId) throws Exception {
        TestCoordinator.Response r = coordinator.post("/v1/jobs",
                "{\"task\":\"score\",\"documents\":[{\"id\":\"" + docId + "\",\"tokens\":[1,2,3]}],\"workers\":2}");
        assertEquals(202, r.status(), r.body());
        return r.json().get("id").asText();
    }

    @Test
    void pagesAreStableNewestFirstAndComplete() throws Exception {
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 7; i++) submitted.add(submit("page-doc-" + i));
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            TestCoordinator.Response r = coordinator.get("/v1/jobs?limit=3" + (after == null ? "" : "&after=" + after));
            assertEquals(200, r.status(), r.body());
            assertTrue(r.json().size() <= 3, r.body());
            for (JsonNode j : r.json()) seen.add(j.get("id").asText());
            after = r.header(JobPage.NEXT_HEADER).orElse(null);
            if (pages == 0) submit("late-doc"); // a job submitted while paging lands before the first page, never twice
            pages++;
        } while (after != null && pages < 100);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "a job on two pages: " + seen);
        List<String> mine = seen.stream().filter(submitted::contains).toList();
        assertEquals(submitted.reversed(), mine, "newest first, every job once");
        assertFalse(seen.contains(coordinator.get("/v1/jobs?limit=1").json().get(0).get("id").asText()),
                "the job submitted while paging is not on a later page");
        assertTrue(pages >= 3);

        TestCoordinator.Response other = coordinator.send("GET", "/v1/jobs?limit=1000", null, TestCoordinator.OTHER_KEY);
        assertEquals(200, other.status(), other.body());
        for (JsonNode j : other.json()) assertFalse(submitted.contains(j.get("id").asText()), "another tenant's job on a page");
        TestCoordinator.Response admin = coordinator.send("GET", "/v1/jobs?limit=1000", null, TestCoordinator.ADMIN_KEY);
        List<String> everyJob = new ArrayList<>();
        for (JsonNode j : admin.json()) everyJob.add(j.get("id").asText());
        assertTrue(everyJob.containsAll(submitted), "an admin pages over every job");

        for (String bad : List.of("limit=0", "limit=1001", "limit=x", "after=abc", "limit=2&after=1.5")) {
            TestCoordinator.Response r = coordinator.get("/v1/jobs?" + bad);
            assertEquals(400, r.status(), bad + ": " + r.body());
        }
        TestCoordinator.Response all = coordinator.get("/v1/jobs");
        assertTrue(all.json().size() <= JobPage.DEFAULT_LIMIT);
    }

    @Test
    void deletingADocumentRemovesItsTokensAndRefusesWhileAJobUsesIt() throws Exception {
        String keep = submit("kept-doc");
        String job = submit("deleted-doc");
        TestCoordinator.Response user = coordinator.send("DELETE", "/v1/documents/deleted-doc", null);
        assertEquals(403, user.status(), "document ids are shared by every tenant: admins only. " + user.body());
        TestCoordinator.Response busy = delete("deleted-doc");
        assertEquals(409, busy.status(), busy.body());
        assertTrue(busy.error().contains(job), busy.body());

        assertEquals(200, coordinator.send("DELETE", "/v1/jobs/" + job, null).status());
        coordinator.awaitState(job, JobState.CANCELLED);
        assertTrue(coordinator.member.getMap(ClusterNames.DOCUMENTS).containsKey(job + "#0"));
        TestCoordinator.Response r = delete("deleted-doc");
        assertEquals(200, r.status(), r.body());
        assertEquals("deleted-doc", r.json().get("document").asText());
        assertEquals(1, r.json().get("removed").asInt(), r.body());
        assertFalse(coordinator.member.getMap(ClusterNames.DOCUMENTS).containsKey(job + "#0"), "tokens left behind");
        assertTrue(coordinator.member.getMap(ClusterNames.DOCUMENTS).containsKey(keep + "#0"), "another document's tokens removed");

        assertEquals(404, delete("deleted-doc").status(), "nothing left to delete");
        assertEquals(400, delete("bad%20id").status());
        coordinator.send("DELETE", "/v1/jobs/" + keep, null);
    }

    private static TestCoordinator.Response delete(String doc) throws Exception {
        return coordinator.send("DELETE", "/v1/documents/" + doc, null, TestCoordinator.ADMIN_KEY);
    }

    @Test
    void everyMapHasItsRetentionAndAJobsDataExpires() throws Exception {
        for (String map : ClusterNames.JOB_MAPS) {
            assertEquals(Retention.ttlSeconds(Retention.DEFAULT_JOBS),
                    coordinator.member.getConfig().getMapConfig(map).getTimeToLiveSeconds(), map);
        }
        assertEquals(Retention.ttlSeconds(Retention.DEFAULT_DOCUMENTS),
                coordinator.member.getConfig().getMapConfig(ClusterNames.STATES).getTimeToLiveSeconds());
        assertEquals(3600, coordinator.member.getConfig().getMapConfig(ClusterNames.SHARDS).getTimeToLiveSeconds());
        assertEquals(Retention.ttlSeconds(Retention.DEFAULT_DOCUMENTS),
                coordinator.member.getConfig().getMapConfig("ringmem-kv").getTimeToLiveSeconds());
        assertEquals(Retention.ttlSeconds(Retention.DEFAULT_DOCUMENTS),
                coordinator.member.getConfig().getMapConfig("ringmem-kv-segments").getTimeToLiveSeconds());

        int port = TestCoordinator.freePort();
        ClusterOptions shortLived = new ClusterOptions("ttl-" + port, List.of("127.0.0.1:" + port), port, Optional.empty(),
                Optional.empty(), "none", 10)
                .withRetention(new Retention(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(
                shortLived.memberConfig("ttl-" + port, Map.of(), new ConcurrentHashMap<>()));
        try {
            HazelcastJobStore store = new HazelcastJobStore(member);
            JobRecord record = coordinator.store.get(submit("ttl-doc")).orElseThrow();
            store.put(record);
            store.putDocument(record.id(), 0, new int[] {1, 2, 3});
            store.putResult(record.id(), "{}");
            assertTrue(store.get(record.id()).isPresent());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((store.get(record.id()).isPresent() || store.result(record.id()).isPresent()) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(store.get(record.id()).isEmpty(), "the job record outlived its TTL");
            assertTrue(store.result(record.id()).isEmpty(), "the result outlived its TTL");
            assertFalse(member.getMap(ClusterNames.DOCUMENTS).containsKey(record.id() + "#0"), "the tokens outlived their TTL");
            coordinator.send("DELETE", "/v1/jobs/" + record.id(), null);
        } finally {
            member.shutdown();
        }
    }

    @Test
    void storedValuesAreSealedRecords() {
        Set<String> maps = Set.of(ClusterNames.JOBS, ClusterNames.DOCUMENTS);
        for (String map : maps) {
            for (Object v : coordinator.member.getMap(map).values()) {
                byte[] b = (byte[]) v;
                assertTrue(b.length >= 8 && b[0] == 'R' && b[1] == 'M', map + ": not a sealed record");
            }
        }
    }
}
