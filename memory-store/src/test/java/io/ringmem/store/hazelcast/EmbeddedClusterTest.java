package io.ringmem.store.hazelcast;

import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreCapacity;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two embedded members in this JVM, plus single-member clusters for TTL and capacity. */
class EmbeddedClusterTest {

    private static HazelcastMemoryStore a;
    private static HazelcastMemoryStore b;

    @BeforeAll
    static void startCluster() throws Exception {
        int[] ports = TestClusters.freePorts(2);
        List<String> members = TestClusters.addresses(ports);
        String cluster = TestClusters.uniqueCluster("embedded");
        var fa = CompletableFuture.supplyAsync(() -> new HazelcastMemoryStore(
                TestClusters.member(cluster, ports[0], members).build()));
        var fb = CompletableFuture.supplyAsync(() -> new HazelcastMemoryStore(
                TestClusters.member(cluster, ports[1], members).build()));
        a = fa.join();
        b = fb.join();
        assertTrue(a.awaitClusterSize(2, Duration.ofSeconds(30)), "members did not join");
    }

    @AfterAll
    static void stopCluster() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    @Test
    void putThroughOneMemberReadThroughTheOther() {
        BlockKey key = new BlockKey("doc-put", 0, 0, 0);
        KvBlockRecord value = TestClusters.record(1, 10_000);
        a.put(key, value);
        assertEquals(Optional.of(value), b.get(key));
        assertTrue(b.delete(key));
        assertFalse(a.delete(key));
        assertEquals(Optional.empty(), a.get(key));
    }

    @Test
    void getAllReturnsPresentBlocksInOneBatch() {
        Map<BlockKey, KvBlockRecord> written = document("doc-batch", 3, 2, 3);
        a.putAll(written);
        List<BlockKey> wanted = new ArrayList<>(written.keySet());
        wanted.add(new BlockKey("doc-batch", 9, 0, 0)); // absent
        Map<BlockKey, KvBlockRecord> read = b.getAll(wanted);
        assertEquals(written, read);
    }

    @Test
    void listsByDocumentSegmentAndLayer() {
        Map<BlockKey, KvBlockRecord> written = document("doc-list", 3, 2, 4);
        b.putAll(written);
        a.put(new BlockKey("doc-list-other", 1, 0, 0), TestClusters.record(5, 10));
        assertEquals(written.keySet().stream().sorted().toList(), a.keys("doc-list"));
        assertEquals(8, a.keys("doc-list", 1).size());
        assertTrue(a.keys("doc-list", 1).stream().allMatch(k -> k.segment() == 1));
        List<BlockKey> layer = b.keys("doc-list", 2, 1);
        assertEquals(List.of(new BlockKey("doc-list", 2, 1, 0), new BlockKey("doc-list", 2, 1, 1),
                new BlockKey("doc-list", 2, 1, 2), new BlockKey("doc-list", 2, 1, 3)), layer);
        assertEquals(List.of(), a.keys("doc-list", 7));
        assertEquals(List.of(), a.keys("no-such-doc"));
    }

    @Test
    void deleteDocumentRemovesOnlyThatDocument() {
        a.putAll(document("doc-del", 2, 2, 2));
        a.put(new BlockKey("doc-keep", 0, 0, 0), TestClusters.record(3, 10));
        assertEquals(8, b.deleteDocument("doc-del"));
        assertEquals(List.of(), a.keys("doc-del"));
        assertEquals(Optional.empty(), a.get(new BlockKey("doc-del", 1, 1, 1)));
        assertEquals(1, a.keys("doc-keep").size());
        assertEquals(0, a.deleteDocument("doc-del"));
    }

    @Test
    void statsCountEntriesOnBothMembers() throws Exception {
        a.putAll(document("doc-stats", 4, 1, 4));
        StoreStats s = b.stats();
        assertEquals(2, s.members());
        assertTrue(s.entries() >= 16, s.toString());
        assertTrue(s.bytes() >= 16 * 1000, s.toString());
        // Backup counts can lag while the young cluster still assigns backup replicas (see StoreStats).
        assertTrue(TestClusters.await(() -> b.stats().backupEntries() >= 16, 30_000), () -> b.stats().toString());
    }

    @Test
    void entriesExpireAfterTtl() throws Exception {
        int port = TestClusters.freePorts(1)[0];
        StoreConfig config = TestClusters.member(TestClusters.uniqueCluster("ttl"), port, List.of())
                .ttl(Duration.ofSeconds(1)).build();
        try (HazelcastMemoryStore store = new HazelcastMemoryStore(config)) {
            BlockKey key = new BlockKey("doc-ttl", 0, 0, 0);
            store.put(key, TestClusters.record(1, 100));
            assertTrue(store.get(key).isPresent());
            assertTrue(TestClusters.await(() -> store.get(key).isEmpty(), 10_000), "entry did not expire");
            assertTrue(TestClusters.await(() -> store.stats().expirations() >= 1, 10_000), "no expiration counted");
        }
    }

    @Test
    void capacityEvictionShowsInStats() throws Exception {
        int port = TestClusters.freePorts(1)[0];
        StoreConfig config = TestClusters.member(TestClusters.uniqueCluster("cap"), port, List.of())
                .capacity(StoreCapacity.entriesPerMember(50)).build();
        try (HazelcastMemoryStore store = new HazelcastMemoryStore(config)) {
            for (int s = 0; s < 400; s++) {
                store.put(new BlockKey("doc-cap", s, 0, 0), TestClusters.record(s, 100));
            }
            StoreStats stats = store.stats();
            assertTrue(stats.evictions() > 0, stats.toString());
            assertTrue(stats.entries() < 400, stats.toString());
            assertEquals(400, stats.entries() + stats.evictions(), stats.toString());
        }
    }

    private static Map<BlockKey, KvBlockRecord> document(String id, int segments, int layers, int blocks) {
        Map<BlockKey, KvBlockRecord> m = new HashMap<>();
        int seed = 0;
        for (int s = 0; s < segments; s++) {
            for (int l = 0; l < layers; l++) {
                for (int k = 0; k < blocks; k++) {
                    m.put(new BlockKey(id, s, l, k), TestClusters.record(seed++, 1000));
                }
            }
        }
        return m;
    }
}
