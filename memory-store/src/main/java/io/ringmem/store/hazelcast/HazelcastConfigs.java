package io.ringmem.store.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.ringmem.store.StoreCapacity;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.kryo.KryoRegistry;

import java.util.function.BiConsumer;

/** Translates a {@link StoreConfig} into Hazelcast member and client configurations. */
final class HazelcastConfigs {

    private HazelcastConfigs() {
    }

    /** Name of the per-document segment index (a MultiMap {@code documentId -> segment}). */
    static String segmentIndexName(StoreConfig c) {
        return c.mapName() + "-segments";
    }

    static Config member(StoreConfig c, String instanceName) {
        Config config = new Config();
        config.setClusterName(c.clusterName());
        config.setInstanceName(instanceName);
        common(c, config::setProperty);
        config.setProperty("hazelcast.partition.count", Integer.toString(c.partitionCount()));
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(c.port()).setPortAutoIncrement(false);
        c.bindAddress().ifPresent(a -> {
            net.getInterfaces().setEnabled(true).addInterface(a);
            config.setProperty("hazelcast.socket.bind.any", "false");
        });
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (c.kubernetes().isPresent()) {
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("namespace", c.kubernetes().get().namespace())
                    .setProperty("service-name", c.kubernetes().get().serviceName());
        } else {
            join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
        }
        config.addMapConfig(map(c));
        config.addMultiMapConfig(segmentIndex(c));
        KryoRegistry.registerWith(config.getSerializationConfig());
        return config;
    }

    static ClientConfig client(StoreConfig c, String instanceName) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(c.clusterName());
        config.setInstanceName(instanceName);
        common(c, config::setProperty);
        if (c.kubernetes().isPresent()) {
            config.getNetworkConfig().getKubernetesConfig().setEnabled(true)
                    .setProperty("namespace", c.kubernetes().get().namespace())
                    .setProperty("service-name", c.kubernetes().get().serviceName());
        } else {
            config.getNetworkConfig().setAddresses(c.members());
        }
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(30_000);
        KryoRegistry.registerWith(config.getSerializationConfig());
        return config;
    }

    /**
     * The block map: binary in-memory format (members never deserialize values), synchronous backups,
     * TTL and LRU eviction as configured.
     */
    static MapConfig map(StoreConfig c) {
        MapConfig map = new MapConfig(c.mapName())
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(c.backupCount())
                .setAsyncBackupCount(0)
                .setTimeToLiveSeconds(c.ttlSeconds())
                .setStatisticsEnabled(true);
        StoreCapacity cap = c.capacity();
        if (cap.kind() != StoreCapacity.Kind.UNBOUNDED) {
            MaxSizePolicy policy = cap.kind() == StoreCapacity.Kind.ENTRIES_PER_MEMBER
                    ? MaxSizePolicy.PER_NODE : MaxSizePolicy.USED_HEAP_SIZE;
            map.setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                    .setMaxSizePolicy(policy).setSize(cap.limit()));
        }
        return map;
    }

    static MultiMapConfig segmentIndex(StoreConfig c) {
        return new MultiMapConfig(segmentIndexName(c))
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET)
                .setBackupCount(c.backupCount());
    }

    private static void common(StoreConfig c, BiConsumer<String, String> property) {
        property.accept("hazelcast.logging.type", c.loggingType());
        property.accept("hazelcast.phone.home.enabled", "false");
    }
}
