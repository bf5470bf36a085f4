package io.ringmem.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.TestData;
import io.ringmem.api.DocumentDeletion;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobState;
import io.ringmem.coordinator.ApiException;
import io.ringmem.coordinator.CoordinatorService;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.JobRecord;
import io.ringmem.coordinator.RunnerSettings;
import io.ringmem.forward.LlamaModel;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.store.hazelcast.StoredKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code DELETE /v1/documents/{id}} on a real cluster: a segment-mode job over two documents on two workers (states,
 * block summaries, KV blocks and their index, outcomes, token ids all stored), then one document is deleted and
 * every map of the member is scanned: nothing of it remains, everything of the other document does.
 */
class DocumentDeletionTest {
    private static final List<String> log = new CopyOnWriteArrayList<>();
    private static LoadedModel loaded;
    private static Kernels kernels;
    private static EmbeddedCluster cluster;
    private static int[] ids;

    @BeforeAll
    static void start() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(TestData.reference().toFile()).get("tinystories656k_512");
        ids = new int[ref.get("ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = ref.get("ids").get(i).asInt();
        loaded = ModelLoader.load(TestData.tinystories656k(), null);
        kernels = KernelsFactory.byName("vector", 1);
        LlamaModel model = new LlamaModel(loaded.config(), loaded.weights(), kernels);
        cluster = EmbeddedCluster.start("tinystories-656k", model, loaded.tokenizer(), 2, 64, JobLimits.defaults(),
                RunnerSettings.defaults(), log::add, job -> { });
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (kernels != null) kernels.close();
        if (loaded != null) loaded.close();
    }

    @Test
    void deletingADocumentLeavesNothingOfItInAnyMap() throws Exception {
        CoordinatorService service = cluster.service();
        String job = service.submit(JobRequest.builder("score").documents(DocumentInput.tokens("kept-doc", Arrays.copyOf(ids, 300)),
                DocumentInput.tokens("gone-doc", Arrays.copyOfRange(ids, 100, 400))).workers(2).segmentTokens(128).build()).id();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        JobRecord record = service.record(job);
        while (!record.state().finished() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            record = service.record(job);
        }
        assertEquals(JobState.SUCCEEDED, record.state(), record.error() + "\nlog: " + log);
        HazelcastInstance member = cluster.member();
        assertTrue(references(member, job, "gone-doc", 1).size() > 10, "the job stored too little to test: " + references(member, job,
                "gone-doc", 1));
        List<String> keptBefore = references(member, job, "kept-doc", 0);

        DocumentDeletion d = service.deleteDocument("gone-doc");
        assertEquals("gone-doc", d.document());
        List<String> left = references(member, job, "gone-doc", 1);
        assertTrue(left.isEmpty(), "left behind: " + left);
        assertEquals(keptBefore, references(member, job, "kept-doc", 0), "the other document's data changed");
        assertTrue(d.removed() > 10, "removed " + d.removed());

        ApiException again = assertThrows(ApiException.class, () -> service.deleteDocument("gone-doc"));
        assertEquals(404, again.status());
        ApiException ask = assertThrows(ApiException.class, () -> service.submit(JobRequest.builder("ask")
                .documents(DocumentInput.ref("gone-doc")).question("who?").build()));
        assertEquals(404, ask.status(), "an ask on a deleted document: " + ask.getMessage());
        assertEquals(JobState.SUCCEEDED, service.record(job).state(), "the job record stays (job retention)");
    }

    /**
     * Every entry of every map of the member that belongs to the document (index {@code index} of {@code job}): keys
     * naming it (states, summaries, shards, KV blocks, the segment index) and the job's entries for that index (token
     * ids, outcomes), as "map: key", sorted.
     */
    private static List<String> references(HazelcastInstance member, String job, String doc, int index) {
        List<String> out = new ArrayList<>();
        for (DistributedObject o : member.getDistributedObjects()) {
            if (!(o instanceof IMap<?, ?> map)) continue;
            for (Object k : map.keySet()) {
                String key = k instanceof StoredKey s ? s.key().documentId() + "#" + s.key().segment() + "#" + s.key().layer()
                        + "#" + s.key().block() : String.valueOf(k);
                boolean names = key.equals(doc) || key.startsWith(doc + "#") || key.contains("/" + doc + "/");
                boolean jobs = (map.getName().equals(ClusterNames.DOCUMENTS) || map.getName().equals(ClusterNames.OUTCOMES))
                        && (key.equals(job + "#" + index) || key.startsWith(job + "#" + index + "#"));
                if (names || jobs) out.add(map.getName() + ": " + key);
            }
        }
        out.sort(null);
        return out;
    }
}
