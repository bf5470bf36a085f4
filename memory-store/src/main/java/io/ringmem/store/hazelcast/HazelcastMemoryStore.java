package io.ringmem.store.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import com.hazelcast.query.Predicates;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.MemoryStore;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.StoreStats;

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
 *   <li>A MultiMap {@code mapName-segments} maps each document to the segments ever written. Listing a
 *       document runs one key-only query restricted to the partitions of its segments
 *       ({@code multiPartitionPredicate}); listing a segment queries one partition. No call scans the whole
 *       map. The segment index is not subject to TTL or eviction: it only grows until
 *       {@link #deleteDocument} and may name segments whose blocks are gone (they list as empty).</li>
 *   <li>Values and keys go through Kryo ({@link KryoRegistry}); members need this module on their classpath
 *       for {@link #stats()} (a task run on every member).</li>
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
    private final IMap<StoredKey, KvBlockRecord> blocks;
    private final MultiMap<String, Integer> segments;
    private final boolean ownsInstance;

    /** Starts an embedded member or connects a client, as {@code config.mode()} says. Blocks until joined. */
    public HazelcastMemoryStore(StoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        String name = "ringmem-store-" + config.clusterName() + "-" + UUID.randomUUID();
        if (config.mode() == StoreMode.EMBEDDED) {
            hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(config, name));
        } else {
            hz = HazelcastClient.newHazelcastClient(HazelcastConfigs.client(config, name));
            try {
                hz.getConfig().addMapConfig(HazelcastConfigs.map(config));
                hz.getConfig().addMultiMapConfig(HazelcastConfigs.segmentIndex(config));
            } catch (InvalidConfigurationException e) {
                hz.shutdown();
                throw new IllegalStateException("cluster '" + config.clusterName() + "' defines map '"
                        + config.mapName() + "' differently from this store's config: " + e.getMessage(), e);
            }
        }
        blocks = hz.getMap(config.mapName());
        segments = hz.getMultiMap(HazelcastConfigs.segmentIndexName(config));
        ownsInstance = true;
    }

    /**
     * A store on a member the caller started (with {@link #memberConfig}, plus whatever else the caller's process
     * needs on the same member). The caller keeps ownership: {@link #close()} does not shut the member down.
     */
    public HazelcastMemoryStore(StoreConfig config, HazelcastInstance member) {
        this.config = Objects.requireNonNull(config, "config");
        this.hz = Objects.requireNonNull(member, "member");
        blocks = hz.getMap(config.mapName());
        segments = hz.getMultiMap(HazelcastConfigs.segmentIndexName(config));
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

    @Override
    public void put(BlockKey key, KvBlockRecord value) {
        Objects.requireNonNull(value, "value");
        segments.put(key.documentId(), key.segment());
        blocks.set(new StoredKey(key), value);
    }

    @Override
    public void putAll(Map<BlockKey, KvBlockRecord> entries) {
        Map<StoredKey, KvBlockRecord> stored = new HashMap<>(entries.size() * 2);
        Map<String, Collection<? extends Integer>> segmentsByDocument = new HashMap<>();
        entries.forEach((k, v) -> {
            stored.put(new StoredKey(k), Objects.requireNonNull(v, "value"));
            @SuppressWarnings("unchecked")
            Set<Integer> s = (Set<Integer>) segmentsByDocument.computeIfAbsent(k.documentId(), d -> new HashSet<>());
            s.add(k.segment());
        });
        segments.putAllAsync(segmentsByDocument).toCompletableFuture().join();
        blocks.setAll(stored);
    }

    @Override
    public Optional<KvBlockRecord> get(BlockKey key) {
        return Optional.ofNullable(blocks.get(new StoredKey(key)));
    }

    @Override
    public Map<BlockKey, KvBlockRecord> getAll(Collection<BlockKey> keys) {
        Set<StoredKey> stored = new LinkedHashSet<>();
        for (BlockKey k : keys) {
            stored.add(new StoredKey(k));
        }
        Map<BlockKey, KvBlockRecord> out = new HashMap<>(stored.size() * 2);
        blocks.getAll(stored).forEach((k, v) -> out.put(k.key(), v));
        return out;
    }

    @Override
    public boolean delete(BlockKey key) {
        return blocks.deleteAsync(new StoredKey(key)).toCompletableFuture().join();
    }

    @Override
    public int deleteDocument(String documentId) {
        List<BlockKey> keys = keys(documentId);
        segments.remove(documentId);
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
        for (Integer s : segments.get(documentId)) {
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
                ? Predicates.<StoredKey, KvBlockRecord>partitionPredicate(partitionKeys.iterator().next(),
                        Predicates.alwaysTrue())
                : Predicates.<StoredKey, KvBlockRecord>multiPartitionPredicate(partitionKeys, Predicates.alwaysTrue());
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
