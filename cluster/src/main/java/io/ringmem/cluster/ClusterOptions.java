package io.ringmem.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SerializerConfig;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.crypto.StoreCipher;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;
import io.ringmem.store.hazelcast.KubernetesDiscovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;

/**
 * How a Ringmem process joins the cluster as a Hazelcast member (coordinator and workers alike).
 *
 * @param clusterName     base of the Hazelcast cluster name (with a secret, the name joined is derived from both)
 * @param members         host:port of members to join (TCP-IP); ignored with Kubernetes discovery
 * @param port            this member's Hazelcast port
 * @param bindAddress     interface to bind; empty binds loopback (127.0.0.1); {@code 0.0.0.0} binds all. Anything but
 *                        loopback needs a secret
 * @param kubernetes      Kubernetes discovery instead of the member list (needs a secret)
 * @param loggingType     Hazelcast logging: jdk or none
 * @param failureSeconds  seconds without heartbeat after which a member is declared dead
 * @param secret          the cluster secret ({@code --cluster-secret FILE}): cluster name, and the AES-GCM key that seals
 *                        every value in every map and every worker task and reply; empty only on loopback
 * @param retention       time to live of every map's entries
 */
public record ClusterOptions(String clusterName, List<String> members, int port, Optional<String> bindAddress,
                             Optional<KubernetesDiscovery> kubernetes, String loggingType, int failureSeconds,
                             Optional<ClusterSecret> secret, Retention retention) {
    /** Synchronous backups of every Ringmem map: one process may die without losing jobs, states or blocks. */
    public static final int BACKUPS = 1;

    public ClusterOptions {
        Objects.requireNonNull(clusterName, "clusterName");
        members = List.copyOf(members);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(retention, "retention");
        if (failureSeconds < 2) throw new IllegalArgumentException("failure detection needs at least 2 seconds, got " + failureSeconds);
    }

    /** Without a secret and with the default retention (loopback development and tests). */
    public ClusterOptions(String clusterName, List<String> members, int port, Optional<String> bindAddress,
                          Optional<KubernetesDiscovery> kubernetes, String loggingType, int failureSeconds) {
        this(clusterName, members, port, bindAddress, kubernetes, loggingType, failureSeconds, Optional.empty(),
                Retention.defaults());
    }

    public static ClusterOptions local(List<String> members, int port) {
        return new ClusterOptions("ringmem", members, port, Optional.of("127.0.0.1"), Optional.empty(), "jdk", 10);
    }

    /** These options with a cluster secret. */
    public ClusterOptions withSecret(ClusterSecret s) {
        return new ClusterOptions(clusterName, members, port, bindAddress, kubernetes, loggingType, failureSeconds,
                Optional.of(s), retention);
    }

    /** These options with another retention. */
    public ClusterOptions withRetention(Retention r) {
        return new ClusterOptions(clusterName, members, port, bindAddress, kubernetes, loggingType, failureSeconds, secret, r);
    }

    /**
     * The store's view of this membership (validated there: bad addresses fail with the key's name, a non-loopback
     * bind without a secret is refused). KV blocks live for {@link Retention#documents}.
     */
    public StoreConfig storeConfig() {
        StoreConfig.Builder b = StoreConfig.builder(clusterName).port(port).backupCount(BACKUPS).loggingType(loggingType);
        if (kubernetes.isEmpty()) b.members(members); // the member list is ignored with Kubernetes discovery
        bindAddress.ifPresent(b::bindAddress);
        kubernetes.ifPresent(b::kubernetes);
        secret.ifPresent(b::secret);
        if (!retention.documents().isZero()) b.ttl(retention.documents());
        return b.build();
    }

    /** The cipher of this cluster's values and tasks: AES-256-GCM under the secret, plain without one. */
    public StoreCipher cipher() {
        return StoreCipher.of(secret);
    }

    /**
     * The member configuration: the store's maps, Ringmem's own maps (see {@link ClusterNames}) with {@link #BACKUPS}
     * backups and the {@link #retention} TTLs, the worker-task executor and its call serializer, fast failure
     * detection, the given member attributes and user context, in which the process's {@link TaskCodec} is put (it
     * seals tasks, and {@link HazelcastDocumentStates} and the job store find the cipher there).
     */
    public Config memberConfig(String instanceName, Map<String, String> attributes, ConcurrentMap<String, Object> userContext) {
        Config config = HazelcastMemoryStore.memberConfig(storeConfig(), instanceName);
        attributes.forEach((k, v) -> config.getMemberAttributeConfig().setAttribute(k, v));
        userContext.put(TaskCodec.CONTEXT_KEY, new TaskCodec(cipher()));
        config.setUserContext(userContext);
        for (String map : ClusterNames.JOB_MAPS) config.addMapConfig(map(map, retention.jobs()));
        config.addMapConfig(map(ClusterNames.STATES, retention.documents()));
        config.addMapConfig(map(ClusterNames.SHARDS, retention.shards()));
        config.addExecutorConfig(new ExecutorConfig(ClusterNames.EXECUTOR).setPoolSize(16).setQueueCapacity(0));
        config.getSerializationConfig().addSerializerConfig(new SerializerConfig().setTypeClass(WorkerCall.class)
                .setImplementation(new WorkerCall.Serializer()));
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(failureSeconds));
        config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "30");
        return config;
    }

    private static MapConfig map(String name, Duration ttl) {
        return new MapConfig(name).setBackupCount(BACKUPS).setAsyncBackupCount(0).setInMemoryFormat(InMemoryFormat.BINARY)
                .setTimeToLiveSeconds(Retention.ttlSeconds(ttl));
    }
}
