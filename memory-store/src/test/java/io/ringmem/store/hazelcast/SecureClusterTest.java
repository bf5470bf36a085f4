package io.ringmem.store.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.crypto.SealedValueException;
import io.ringmem.store.crypto.StoreCipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two store members in separate JVMs started with {@code --cluster-secret}; this JVM plays the deployment's clients
 * and the outsiders: a client or member without the secret does not join, one that learned the cluster name reads
 * only ciphertext, cannot make a member run a Java-serialized task, and every value it forges, tampers with or copies
 * to another key is refused by the deployment's readers.
 */
class SecureClusterTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("the deployment's secret, 32 bytes");
    private static final ClusterSecret WRONG = ClusterSecret.of("a stranger's guess at the secret!");
    private static final byte[] MARKER = "PLAINTEXT-MARKER".getBytes(StandardCharsets.UTF_8);
    private static final List<MemberProcess> members = new ArrayList<>();
    private static final List<HazelcastInstance> outsiders = new ArrayList<>();
    private static final List<HazelcastMemoryStore> stores = new ArrayList<>();
    private static String cluster;
    private static List<String> addresses;

    @BeforeAll
    static void startMembers() throws Exception {
        String classpath = MemberProcess.testClasspath();
        Path secretFile = Files.createTempFile("ringmem-secret", ".txt");
        Files.writeString(secretFile, "the deployment's secret, 32 bytes\n");
        secretFile.toFile().deleteOnExit();
        int[] ports = TestClusters.freePorts(2);
        addresses = TestClusters.addresses(ports);
        cluster = TestClusters.uniqueCluster("secure");
        for (int port : ports) {
            members.add(new MemberProcess(classpath, cluster, port, addresses, List.of("--cluster-secret", secretFile.toString())));
        }
        for (MemberProcess m : members) assertTrue(m.awaitReady(40_000), () -> "member did not start:\n" + m.outputTail());
    }

    @AfterAll
    static void stopAll() {
        stores.forEach(HazelcastMemoryStore::close);
        outsiders.forEach(HazelcastInstance::shutdown);
        members.forEach(MemberProcess::close);
    }

    @Test
    void encryptedRoundTripStoresOnlyCiphertext() throws Exception {
        HazelcastMemoryStore writer = store(addresses.get(0), SECRET);
        HazelcastMemoryStore reader = store(addresses.get(1), SECRET);
        assertTrue(reader.awaitClusterSize(2, Duration.ofSeconds(30)));
        Map<BlockKey, KvBlockRecord> written = blocks("doc-rt", 3);
        writer.putAll(written);
        assertEquals(written, reader.getAll(written.keySet()));
        assertEquals(written.keySet().stream().sorted().toList(), reader.keys("doc-rt"));

        IMap<StoredKey, byte[]> raw = outsider(SECRET.clusterName(cluster)).getMap(writer.config().mapName());
        int keyId = StoreCipher.of(SECRET).keyId();
        for (BlockKey k : written.keySet()) {
            byte[] sealed = raw.get(new StoredKey(k));
            assertFalse(contains(sealed, MARKER), "plaintext of " + k + " visible to a client");
            assertEquals(keyId, StoreCipher.keyIdOf(sealed).orElseThrow());
        }
        IMap<String, byte[]> index = outsider(SECRET.clusterName(cluster)).getMap(writer.config().mapName() + "-segments");
        assertTrue(StoreCipher.keyIdOf(index.get("doc-rt")).orElseThrow() == keyId, "segment index not sealed");
    }

    @Test
    void outsidersWithoutTheSecretDoNotJoin() throws Exception {
        ClientConfig guess = new ClientConfig();
        guess.setClusterName(cluster); // the base name, as an outsider would guess it ("ringmem")
        guess.getNetworkConfig().setAddresses(addresses);
        guess.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3_000);
        guess.setProperty("hazelcast.logging.type", "none");
        assertThrows(IllegalStateException.class, () -> outsiders.add(HazelcastClient.newHazelcastClient(guess)));

        int[] port = TestClusters.freePorts(1);
        List<String> all = new ArrayList<>(addresses);
        all.add("127.0.0.1:" + port[0]);
        HazelcastMemoryStore stranger = new HazelcastMemoryStore(TestClusters.member(cluster, port[0], all)
                .secret(WRONG).build());
        stores.add(stranger);
        assertFalse(stranger.awaitClusterSize(2, Duration.ofSeconds(6)), "a member with the wrong secret joined");
        assertEquals(1, stranger.clusterSize());
    }

    @Test
    void rightNameWrongKeyReadsNothingUsable() {
        HazelcastMemoryStore writer = store(addresses.get(0), SECRET);
        Map<BlockKey, KvBlockRecord> written = blocks("doc-wk", 1);
        writer.putAll(written);
        HazelcastInstance learned = outsider(SECRET.clusterName(cluster));
        StoreConfig wrong = StoreConfig.builder(cluster).mode(StoreMode.CLIENT).members(addresses)
                .partitionCount(TestClusters.PARTITIONS).loggingType("none").secret(WRONG).build();
        HazelcastMemoryStore impostor = new HazelcastMemoryStore(wrong, learned);
        BlockKey k = written.keySet().iterator().next();
        SealedValueException e = assertThrows(SealedValueException.class, () -> impostor.get(k));
        assertTrue(e.getMessage().contains("sealed under key id") && e.getMessage().contains("cluster secret differs"),
                e.getMessage());
        assertThrows(SealedValueException.class, () -> impostor.keys("doc-wk"), "the segment index opened without the key");
    }

    @Test
    void tamperedCopiedAndForgedValuesAreRefused() {
        HazelcastMemoryStore store = store(addresses.get(1), SECRET);
        Map<BlockKey, KvBlockRecord> written = blocks("doc-tamper", 1);
        store.putAll(written);
        List<BlockKey> keys = written.keySet().stream().sorted().toList();
        IMap<StoredKey, byte[]> raw = outsider(SECRET.clusterName(cluster)).getMap(store.config().mapName());

        byte[] tampered = raw.get(new StoredKey(keys.get(0)));
        tampered[tampered.length - 20] ^= 0x40;
        raw.set(new StoredKey(keys.get(0)), tampered);
        assertMessage("failed authentication", () -> store.get(keys.get(0)));

        raw.set(new StoredKey(keys.get(1)), raw.get(new StoredKey(keys.get(2))));
        assertMessage("failed authentication", () -> store.get(keys.get(1)));

        byte[] forged = StoreCipher.plain().seal(store.config().mapName(), "x", MARKER);
        raw.set(new StoredKey(keys.get(3)), forged);
        assertMessage("not encrypted", () -> store.get(keys.get(3)));
        assertMessage("failed authentication", () -> store.getAll(keys));
        assertEquals(written.get(keys.get(2)), store.get(keys.get(2)).orElseThrow(), "an untouched value still opens");
    }

    @Test
    void javaSerializedTaskIsRejectedByTheMember() {
        HazelcastInstance learned = outsider(SECRET.clusterName(cluster));
        var future = learned.getExecutorService("outsider").submit(new JavaSerializedTask());
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        String chain = chain(e);
        assertTrue(chain.contains(JavaSerializedTask.class.getName()) && chain.contains("not allowed"), chain);
    }

    /** A Java-serializable task whose class the members have on their class path; it must never run there. */
    static final class JavaSerializedTask implements Callable<String>, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public String call() {
            return "ran on a member";
        }
    }

    private static HazelcastMemoryStore store(String address, ClusterSecret secret) {
        HazelcastMemoryStore s = new HazelcastMemoryStore(StoreConfig.builder(cluster).mode(StoreMode.CLIENT)
                .members(List.of(address)).partitionCount(TestClusters.PARTITIONS).loggingType("none").secret(secret).build());
        stores.add(s);
        return s;
    }

    /** A plain Hazelcast client (no Ringmem serializers or filter) that knows the cluster name. */
    private static HazelcastInstance outsider(String clusterName) {
        ClientConfig c = new ClientConfig();
        c.setClusterName(clusterName);
        c.getNetworkConfig().setAddresses(addresses);
        c.setProperty("hazelcast.logging.type", "none");
        io.ringmem.store.kryo.KryoRegistry.registerWith(c.getSerializationConfig()); // the project is public: so are its formats
        HazelcastInstance hz = HazelcastClient.newHazelcastClient(c);
        outsiders.add(hz);
        return hz;
    }

    private static Map<BlockKey, KvBlockRecord> blocks(String doc, int segments) {
        Map<BlockKey, KvBlockRecord> out = new HashMap<>();
        int seed = 0;
        for (int s = 0; s < segments; s++) {
            for (int b = 0; b < 4; b++) {
                KvBlockRecord r = TestClusters.record(seed++, 256);
                byte[] payload = r.payload();
                System.arraycopy(MARKER, 0, payload, 16, MARKER.length);
                out.put(new BlockKey(doc, s, 0, b), r);
            }
        }
        return out;
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        SealedValueException e = assertThrows(SealedValueException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append(" <- ");
        return b.toString();
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
