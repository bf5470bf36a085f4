package io.ringmem.store.hazelcast;

import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.StoreStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members in separate JVMs on 127.0.0.1; clients in this JVM write through one member and read through
 * another, then one member is killed with SIGKILL and every entry must still be readable (backup count 1).
 */
class MultiJvmClusterTest {

    private static final List<MemberProcess> members = new ArrayList<>();
    private static final List<HazelcastMemoryStore> clients = new ArrayList<>();
    private static String cluster;
    private static List<String> addresses;

    @BeforeAll
    static void startMembers() throws Exception {
        // Surefire runs tests from a manifest-only jar; the real class path is in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int[] ports = TestClusters.freePorts(3);
        addresses = TestClusters.addresses(ports);
        cluster = TestClusters.uniqueCluster("multijvm");
        for (int port : ports) {
            members.add(new MemberProcess(classpath, cluster, port, addresses));
        }
        for (MemberProcess m : members) {
            assertTrue(m.awaitReady(40_000), () -> "member did not start:\n" + m.outputTail());
        }
    }

    @AfterAll
    static void stopAll() {
        for (HazelcastMemoryStore c : clients) {
            c.close();
        }
        for (MemberProcess m : members) {
            m.close();
        }
    }

    @Test
    void writesThroughOneMemberReadsThroughAnotherAndSurvivesKillNine() throws Exception {
        HazelcastMemoryStore writer = client(addresses.get(0));
        HazelcastMemoryStore reader = client(addresses.get(1));
        assertTrue(reader.awaitClusterSize(3, Duration.ofSeconds(30)), "cluster did not reach 3 members");

        Map<BlockKey, KvBlockRecord> written = new HashMap<>();
        int seed = 0;
        for (int segment = 0; segment < 6; segment++) {
            Map<BlockKey, KvBlockRecord> one = new HashMap<>();
            for (int layer = 0; layer < 2; layer++) {
                for (int block = 0; block < 4; block++) {
                    one.put(new BlockKey("doc-mj", segment, layer, block), TestClusters.record(seed++, 16 * 1024));
                }
            }
            writer.putAll(one);
            written.putAll(one);
        }
        assertEquals(written, reader.getAll(written.keySet()));
        assertEquals(written.size(), reader.keys("doc-mj").size());

        // one backup survives one loss once every entry has its backup copy (the cluster is "safe", docs/cluster.md);
        // right after the cluster forms, replica sync may still be filling backups in
        assertTrue(TestClusters.await(() -> reader.stats().backupEntries() >= written.size(), 30_000),
                () -> "backups not in place: " + reader.stats());
        members.get(0).kill();
        assertTrue(TestClusters.await(() -> reader.clusterSize() == 2, 30_000), "killed member not removed");
        assertEquals(written, reader.getAll(written.keySet()), "entries lost after kill -9 of one member");
        assertEquals(written.keySet().stream().sorted().toList(), reader.keys("doc-mj"));
        StoreStats stats = reader.stats();
        assertEquals(2, stats.members(), stats.toString());
        assertEquals(written.size(), stats.entries(), stats.toString());
    }

    private static HazelcastMemoryStore client(String address) {
        HazelcastMemoryStore c = new HazelcastMemoryStore(StoreConfig.builder(cluster).mode(StoreMode.CLIENT)
                .members(List.of(address)).partitionCount(TestClusters.PARTITIONS).loggingType("none").build());
        clients.add(c);
        return c;
    }
}
