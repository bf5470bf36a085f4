package io.ringmem.store.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.MemoryStore;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.StoreStats;
import io.ringmem.store.crypto.StoreCipher;
import io.ringmem.store.kryo.KryoValues;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@link MemoryStore} on a Hazelcast {@code IMap}, as an embedded member or a client.
 *
 * <p>Layout:
 * <ul>
 *   <li>Blocks live in the IMap {@code mapName} (binary format, {@code backupCount} synchronous backups). Keys
 *       are routed by {@code (documentId, segment)} (see {@link StoredKey}): one segment's blocks share a
 *       partition.</li>
 *   <li>An IMap {@code mapName-segments} maps each document to the segments ever written (a sealed sorted list,
 *       updated by compare-and-set, with the blocks' TTL; every write of a document refreshes it). Listing a
 *       document runs one key-only query restricted to the partitions of its segments
 *       ({@code multiPartitionPredicate}); listing a segment queries one partition. No call scans the whole
 *       map. The index may name segments whose blocks are gone (they list as empty).</li>
 *   <li>Values are Kryo bytes ({@link KryoRegistry}) sealed by a {@link StoreCipher} (AES-256-GCM under the cluster
 *       secret's key, bound to the map and key; plain records without a secret): a member or client without the
 *       secret sees ciphertext, and a value it forges or copies to another key is refused with
 *       {@link io.ringmem.store.crypto.SealedValueException}. Keys (document ids, positions) are not encrypted.
 *       Members need this module on their classpath for {@link #stats()} (a task run on every member).</li>
 * </ul>
 * Retention: map TTL (whole seconds) and per-member LRU eviction per {@link StoreCapacity}; both approximate,
 * and expired entries are removed lazily. In client mode the map's configuration is added to the cluster
 * dynamically; if the cluster already defines it differently, construction fails.
 *
 * <p>Not guaranteed: atomicity across keys; a {@link #deleteDocument} racing with writes to the same document
 * may leave those writes in place; stats are approximate (see {@link StoreStats}).
 */
public final class HazelcastMemoryStore implements MemoryStore {

    private static final long STATS_TIMEOUT_SECONDS = 30;

    private final StoreConfig config;
    private final HazelcastInstance hz;
    private static final int INDEX_CAS_TRIES = 64;

    private final IMap<StoredKey, byte[]> blocks;
    private final IMap<String, byte[]> segments;
    private final boolean ownsInstance;
    private final StoreCipher cipher;
    private final KryoValues kryo = new KryoValues();

    /** Starts an embedded member or connects a client, as {@code config.mode()} says. Blocks until joined. */
    public HazelcastMemoryStore(StoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.cipher = StoreCipher.of(config.secret());
        String name = "ringmem-store-" + config.clusterName() + "-" + UUID.randomUUID();
        if (config.mode() == StoreMode.EMBEDDED) {
            hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(config, name));
        } else {
            hz = HazelcastClient.newHazelcastClient(HazelcastConfigs.client(config, name));
            try {
                hz.getConfig().addMapConfig(HazelcastConfigs.map(config));
                hz.getConfig().addMapConfig(HazelcastConfigs.segmentIndex(config));
            } catch (InvalidConfigurationException e) {
                hz.shutdown();
                throw new IllegalStateException("cluster '" + config.clusterName() + "' defines map '"
                        + config.mapName() + "' differently from this store's config: " + e.getMessage(), e);
            }
        }
        blocks = hz.getMap(config.mapName());
        segments = hz.getMap(HazelcastConfigs.segmentIndexName(config));
        ownsInstance = true;
    }

    /**
     * A store on a member the caller started (with {@link #memberConfig}, plus whatever else the caller's process
     * needs on the same member). The caller keeps ownership: {@link #close()} does not shut the member down.
     */
    public HazelcastMemoryStore(StoreConfig config, HazelcastInstance member) {
        this.config = Objects.requireNonNull(config, "config");
        this.hz = Objects.requireNonNull(member, "member");
        this.cipher = StoreCipher.of(config.secret());
        blocks = hz.getMap(config.mapName());
        segments = hz.getMap(HazelcastConfigs.segmentIndexName(config));
        ownsInstance = false;
    }

    /**
     * The Hazelcast member configuration this store needs (cluster, join, the block map and its index, Kryo
     * serializers), for a process that starts the member itself and adds its own settings before starting it.
     */
    public static Config memberConfig(StoreConfig config, String instanceName) {
        if (config.mode() != StoreMode.EMBEDDED) throw new IllegalArgumentException("member config needs an embedded store config");
        return HazelcastConfigs.member(config, instanceName);
    }

    public StoreConfig config() {
        return config;
    }

    /** The Hazelcast instance this store runs on (member or client), for benchmarks and cluster checks. */
    public HazelcastInstance instance() {
        return hz;
    }

    /** Members currently in the cluster, as this store sees them. */
    public int clusterSize() {
        return hz.getCluster().getMembers().size();
    }

    /** Waits until the cluster has at least {@code members} members; false on timeout. */
    public boolean awaitClusterSize(int members, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (clusterSize() < members) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The cipher values are sealed with (plain without a cluster secret). */
    public StoreCipher cipher() {
        return cipher;
    }

    @Override
    public void put(BlockKey key, KvBlockRecord value) {
        Objects.requireNonNull(value, "value");
        index(key.documentId(), Set.of(key.segment()));
        blocks.set(new StoredKey(key), seal(key, value));
    }

    @Override
    public void putAll(Map<BlockKey, KvBlockRecord> entries) {
        Map<StoredKey, byte[]> stored = new HashMap<>(entries.size() * 2);
        Map<String, Set<Integer>> segmentsByDocument = new HashMap<>();
        entries.forEach((k, v) -> {
            stored.put(new StoredKey(k), seal(k, Objects.requireNonNull(v, "value")));
            segmentsByDocument.computeIfAbsent(k.documentId(), d -> new HashSet<>()).add(k.segment());
        });
        segmentsByDocument.forEach(this::index);
        blocks.setAll(stored);
    }

    @Override
    public Optional<KvBlockRecord> get(BlockKey key) {
        return Optional.ofNullable(blocks.get(new StoredKey(key))).map(v -> open(key, v));
    }

    private byte[] seal(BlockKey key, KvBlockRecord value) {
        return cipher.seal(config.mapName(), aadKey(key), kryo.write(value));
    }

    private KvBlockRecord open(BlockKey key, byte[] sealed) {
        return kryo.read(cipher.open(config.mapName(), aadKey(key), sealed), KvBlockRecord.class,
                "block " + config.mapName() + "/" + aadKey(key));
    }

    /** The key as sealed values are bound to it: the numbers first, so the document id cannot be ambiguous. */
    private static String aadKey(BlockKey k) {
        return k.segment() + "#" + k.layer() + "#" + k.block() + "#" + k.documentId();
    }

    /** Adds segments to a document's index entry (compare-and-set, so concurrent writers do not lose segments). */
    private void index(String documentId, Set<Integer> added) {
        String map = HazelcastConfigs.segmentIndexName(config);
        for (int attempt = 0; attempt < INDEX_CAS_TRIES; attempt++) {
            byte[] old = segments.get(documentId);
            Set<Integer> all = old == null ? new TreeSet<>() : indexed(documentId, old);
            boolean changed = all.addAll(added);
            if (!changed) {
                if (config.ttlSeconds() > 0) segments.setTtl(documentId, config.ttlSeconds(), TimeUnit.SECONDS);
                return;
            }
            ByteBuffer out = ByteBuffer.allocate(4 * all.size());
            all.forEach(out::putInt);
            byte[] sealed = cipher.seal(map, documentId, out.array());
            if (old == null ? segments.putIfAbsent(documentId, sealed) == null : segments.replace(documentId, old, sealed)) {
                return;
            }
        }
        throw new IllegalStateException("segment index of '" + documentId + "' kept changing: " + INDEX_CAS_TRIES + " tries");
    }

    private Set<Integer> indexed(String documentId, byte[] sealed) {
        ByteBuffer in = ByteBuffer.wrap(cipher.open(HazelcastConfigs.segmentIndexName(config), documentId, sealed));
        Set<Integer> out = new TreeSet<>();
        while (in.remaining() >= 4) out.add(in.getInt());
        return out;
    }

    @Override
    public Map<BlockKey, KvBlockRecord> getAll(Collection<BlockKey> keys) {
        Set<StoredKey> stored = new LinkedHashSet<>();
        for (BlockKey k : keys) {
            stored.add(new StoredKey(k));
        }
        Map<BlockKey, KvBlockRecord> out = new HashMap<>(stored.size() * 2);
        blocks.getAll(stored).forEach((k, v) -> out.put(k.key(), open(k.key(), v)));
        return out;
    }

    @Override
    public boolean delete(BlockKey key) {
        return blocks.deleteAsync(new StoredKey(key)).toCompletableFuture().join();
    }

    @Override
    public int deleteDocument(String documentId) {
        List<BlockKey> keys = keys(documentId);
        segments.delete(documentId);
        List<CompletableFuture<Boolean>> removed = new ArrayList<>(keys.size());
        for (BlockKey k : keys) {
            removed.add(blocks.deleteAsync(new StoredKey(k)).toCompletableFuture());
        }
        int n = 0;
        for (CompletableFuture<Boolean> f : removed) {
            n += f.join() ? 1 : 0;
        }
        return n;
    }

    @Override
    public List<BlockKey> keys(String documentId) {
        Set<String> partitionKeys = new HashSet<>();
        byte[] index = segments.get(documentId);
        for (Integer s : index == null ? Set.<Integer>of() : indexed(documentId, index)) {
            partitionKeys.add(StoredKey.partitionKey(documentId, s));
        }
        if (partitionKeys.isEmpty()) {
            return List.of();
        }
        return query(partitionKeys, k -> k.documentId().equals(documentId));
    }

    @Override
    public List<BlockKey> keys(String documentId, int segment) {
        return query(Set.of(StoredKey.partitionKey(documentId, segment)),
                k -> k.documentId().equals(documentId) && k.segment() == segment);
    }

    @Override
    public List<BlockKey> keys(String documentId, int segment, int layer) {
        return query(Set.of(StoredKey.partitionKey(documentId, segment)),
                k -> k.documentId().equals(documentId) && k.segment() == segment && k.layer() == layer);
    }

    /**
     * Keys of the given partitions (a key-only query on those partitions), filtered here: a partition also
     * holds other segments whose routing string hashes to it.
     */
    private List<BlockKey> query(Set<String> partitionKeys, Predicate<BlockKey> filter) {
        var predicate = partitionKeys.size() == 1
                ? Predicates.<StoredKey, byte[]>partitionPredicate(partitionKeys.iterator().next(),
                        Predicates.alwaysTrue())
                : Predicates.<StoredKey, byte[]>multiPartitionPredicate(partitionKeys, Predicates.alwaysTrue());
        return blocks.keySet(predicate).stream().map(StoredKey::key).filter(filter).sorted().toList();
    }

    @Override
    public StoreStats stats() {
        Map<?, Future<long[]>> perMember = hz.getExecutorService("ringmem-store-stats")
                .submitToAllMembers(new MemberStatsTask(config.mapName()));
        StoreStats total = StoreStats.zero();
        for (Future<long[]> f : perMember.values()) {
            try {
                total = total.plus(MemberStatsTask.toStats(f.get(STATS_TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            } catch (ExecutionException | TimeoutException e) {
                // a member that left or did not answer is not counted (StoreStats.members says how many did)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return total;
    }

    @Override
    public void close() {
        if (ownsInstance && hz.getLifecycleService().isRunning()) {
            hz.shutdown();
        }
    }
}
