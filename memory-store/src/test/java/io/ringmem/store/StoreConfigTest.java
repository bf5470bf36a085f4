package io.ringmem.store;

import io.ringmem.store.hazelcast.KubernetesDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreValid() {
        StoreConfig c = StoreConfig.builder("ringmem").build();
        assertEquals(StoreMode.EMBEDDED, c.mode());
        assertEquals(1, c.backupCount());
        assertEquals(StoreCapacity.unbounded(), c.capacity());
        assertEquals(0, c.ttlSeconds());
    }

    @Test
    void ttlRoundsUpToSeconds() {
        assertEquals(2, StoreConfig.builder("c").ttl(Duration.ofMillis(1001)).build().ttlSeconds());
    }

    @Test
    void constructorRejectsBadValues() {
        assertMessage("backupCount", () -> StoreConfig.builder("c").backupCount(7).build());
        assertMessage("port", () -> StoreConfig.builder("c").port(70_000).build());
        assertMessage("clusterName", () -> StoreConfig.builder("bad name").build());
        assertMessage("members", () -> StoreConfig.builder("c").members(List.of("nohostport")).build());
        assertMessage("client mode", () -> StoreConfig.builder("c").mode(StoreMode.CLIENT).build());
        assertMessage("exclusive", () -> StoreConfig.builder("c").members(List.of("h:1"))
                .kubernetes(new KubernetesDiscovery("ns", "svc")).build());
        assertMessage("ttl", () -> StoreConfig.builder("c").ttl(Duration.ZERO).build());
        assertMessage("capacity limit", () -> StoreCapacity.entriesPerMember(0));
        assertMessage("loggingType", () -> StoreConfig.builder("c").loggingType("log5").build());
        assertMessage("namespace", () -> new KubernetesDiscovery(" ", "svc"));
    }

    @Test
    void loadsPropertiesFile() throws IOException {
        Path f = write("""
                mode = client
                cluster-name = prod
                members = 10.0.0.1:5701, 10.0.0.2:5701
                secret-file = %s
                backup-count = 2
                ttl = 30m
                capacity.max-heap-mb-per-member = 4096
                partition-count = 101
                logging = none
                """.formatted(secretFile()));
        StoreConfig c = StoreConfig.load(f);
        assertEquals(StoreMode.CLIENT, c.mode());
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.members());
        assertEquals(2, c.backupCount());
        assertEquals(Duration.ofMinutes(30), c.ttl().orElseThrow());
        assertEquals(StoreCapacity.heapMegabytesPerMember(4096), c.capacity());
        assertEquals(101, c.partitionCount());
    }

    @Test
    void loadsKubernetesDiscovery() throws IOException {
        StoreConfig c = StoreConfig.load(write("""
                cluster-name = k
                kubernetes.enabled = true
                kubernetes.namespace = ringmem
                kubernetes.service-name = store
                ttl = PT1H
                secret-file = %s
                """.formatted(secretFile())));
        assertEquals(new KubernetesDiscovery("ringmem", "store"), c.kubernetes().orElseThrow());
        assertEquals(3600, c.ttlSeconds());
    }

    @Test
    void fileErrorsNameTheKey() throws IOException {
        assertMessage("key 'prot'", () -> StoreConfig.load(write("cluster-name = c\nprot = 5701\n")));
        assertMessage("key 'port': not an integer", () -> StoreConfig.load(write("cluster-name = c\nport = x\n")));
        assertMessage("key 'backup-count'", () -> StoreConfig.load(write("cluster-name = c\nbackup-count = 9\n")));
        assertMessage("key 'ttl': not a duration", () -> StoreConfig.load(write("cluster-name = c\nttl = soon\n")));
        assertMessage("key 'mode'", () -> StoreConfig.load(write("cluster-name = c\nmode = peer\n")));
        assertMessage("missing key 'cluster-name'", () -> StoreConfig.load(write("port = 1\n")));
        assertMessage("key 'kubernetes.enabled'", () -> StoreConfig.load(write(
                "cluster-name = c\nkubernetes.enabled = true\nkubernetes.namespace = n\n")));
        assertMessage("key 'capacity.max-heap-mb-per-member'", () -> StoreConfig.load(write(
                "cluster-name = c\ncapacity.max-heap-mb-per-member = 1\ncapacity.max-entries-per-member = 1\n")));
    }

    @Test
    void nonLoopbackNeedsASecret() throws IOException {
        assertMessage("secret: bind address 0.0.0.0 is reachable", () -> StoreConfig.builder("c").bindAddress("0.0.0.0").build());
        assertMessage("secret: bind address 10.1.2.3", () -> StoreConfig.builder("c").bindAddress("10.1.2.3").build());
        assertMessage("secret: member 10.0.0.1:5701", () -> StoreConfig.builder("c").mode(StoreMode.CLIENT)
                .members(List.of("127.0.0.1:5701", "10.0.0.1:5701")).build());
        assertMessage("secret: Kubernetes discovery", () -> StoreConfig.builder("c")
                .kubernetes(new KubernetesDiscovery("ns", "svc")).build());
        assertMessage("key 'secret-file'", () -> StoreConfig.load(write("cluster-name = c\nsecret-file = /nonexistent/s\n")));
        StoreConfig loopback = StoreConfig.builder("c").build();
        assertEquals("127.0.0.1", loopback.effectiveBindAddress());
        assertEquals("c", loopback.hazelcastClusterName());
        StoreConfig open = StoreConfig.builder("c").bindAddress("0.0.0.0")
                .secret(io.ringmem.store.crypto.ClusterSecret.of("0123456789abcdef0123")).build();
        assertTrue(open.hazelcastClusterName().matches("c-[0-9a-f]{16}"), open.hazelcastClusterName());
    }

    private Path secretFile() throws IOException {
        Path f = dir.resolve("cluster-secret");
        Files.writeString(f, "0123456789abcdef0123456789abcdef\n");
        return f;
    }

    private Path write(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "store", ".properties"), text);
    }

    private static void assertMessage(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }
}
