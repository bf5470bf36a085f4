package io.ringmem.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.MapConfig;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;
import io.ringmem.store.hazelcast.KubernetesDiscovery;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;

/**
 * How a Ringmem process joins the cluster as a Hazelcast member (coordinator and workers alike).
 *
 * @param clusterName     Hazelcast cluster name
 * @param members         host:port of members to join (TCP-IP); ignored with Kubernetes discovery
 * @param port            this member's Hazelcast port
 * @param bindAddress     interface to bind, e.g. 127.0.0.1; empty binds all
 * @param kubernetes      Kubernetes discovery instead of the member list
 * @param loggingType     Hazelcast logging: jdk or none
 * @param failureSeconds  seconds without heartbeat after which a member is declared dead
 */
public record ClusterOptions(String clusterName, List<String> members, int port, Optional<String> bindAddress,
                             Optional<KubernetesDiscovery> kubernetes, String loggingType, int failureSeconds) {
    /** Synchronous backups of every Ringmem map: one process may die without losing jobs, states or blocks. */
    public static final int BACKUPS = 1;

    public ClusterOptions {
        Objects.requireNonNull(clusterName, "clusterName");
        members = List.copyOf(members);
        if (failureSeconds < 2) throw new IllegalArgumentException("failure detection needs at least 2 seconds, got " + failureSeconds);
    }

    public static ClusterOptions local(List<String> members, int port) {
        return new ClusterOptions("ringmem", members, port, Optional.of("127.0.0.1"), Optional.empty(), "jdk", 10);
    }

    /** The store's view of this membership (validated there: bad addresses fail with the key's name). */
    public StoreConfig storeConfig() {
        StoreConfig.Builder b = StoreConfig.builder(clusterName).members(members).port(port).backupCount(BACKUPS)
                .loggingType(loggingType);
        bindAddress.ifPresent(b::bindAddress);
        kubernetes.ifPresent(b::kubernetes);
        return b.build();
    }

    /**
     * The member configuration: the store's maps, Ringmem's own maps (states, shards, jobs, outcomes, results,
     * documents) with {@link #BACKUPS} backups, the worker-task executor, fast failure detection, the given member
     * attributes and user context.
     */
    public Config memberConfig(String instanceName, Map<String, String> attributes, ConcurrentMap<String, Object> userContext) {
        Config config = HazelcastMemoryStore.memberConfig(storeConfig(), instanceName);
        attributes.forEach((k, v) -> config.getMemberAttributeConfig().setAttribute(k, v));
        config.setUserContext(userContext);
        for (String map : List.of(ClusterNames.STATES, ClusterNames.SHARDS, ClusterNames.JOBS, ClusterNames.OUTCOMES,
                ClusterNames.RESULTS, ClusterNames.DOCUMENTS)) {
            config.addMapConfig(new MapConfig(map).setBackupCount(BACKUPS).setAsyncBackupCount(0));
        }
        config.addExecutorConfig(new ExecutorConfig(ClusterNames.EXECUTOR).setPoolSize(16).setQueueCapacity(0));
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(failureSeconds));
        config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "30");
        return config;
    }
}
