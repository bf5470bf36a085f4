package io.ringmem.store.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.SerializerConfig;
import io.ringmem.store.StoreCapacity;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.kryo.KryoRegistry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Translates a {@link StoreConfig} into Hazelcast member and client configurations: cluster name derived from the
 * secret, bind to one interface (loopback unless configured), multicast and auto-detection off, Kryo serializers, and
 * Java serialization refused ({@link #refuseJavaSerialization}).
 */
final class HazelcastConfigs {
    /**
     * What Java deserialization still accepts: Hazelcast's own classes and the JDK's exception-carrying packages, because
     * Hazelcast sends a remote failure (a migrating partition, a rejected task) back as a Java-serialized exception, and
     * an invocation whose error cannot be read would hang until its timeout. Nothing of Ringmem's, of other libraries,
     * {@code javax.*}, {@code java.rmi} or {@code java.security} (known gadget carriers) is accepted.
     */
    static final List<String> JAVA_SERIALIZATION_PREFIXES = List.of("com.hazelcast.", "java.lang.", "java.util.", "java.io.",
            "java.net.", "java.nio.", "java.time.", "[");

    private HazelcastConfigs() {
    }

    /** Name of the per-document segment index (a MultiMap {@code documentId -> segment}). */
    static String segmentIndexName(StoreConfig c) {
        return c.mapName() + "-segments";
    }

    static Config member(StoreConfig c, String instanceName) {
        Config config = new Config();
        config.setClusterName(c.hazelcastClusterName());
        config.setInstanceName(instanceName);
        common(c, config::setProperty);
        config.setProperty("hazelcast.partition.count", Integer.toString(c.partitionCount()));
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(c.port()).setPortAutoIncrement(false);
        String bind = c.effectiveBindAddress();
        if (!"0.0.0.0".equals(bind)) {
            // The address by property, not by <interfaces>: with interfaces enabled Hazelcast's TCP-IP joiner drops every
            // member address that does not match an interface, so members on other hosts would never be tried.
            config.setProperty("hazelcast.local.localAddress", ip(bind));
            config.setProperty("hazelcast.socket.bind.any", "false");
        }
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
        config.addMapConfig(segmentIndex(c));
        serialization(config.getSerializationConfig());
        return config;
    }

    static ClientConfig client(StoreConfig c, String instanceName) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(c.hazelcastClusterName());
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
        serialization(config.getSerializationConfig());
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

    /** The per-document segment index: an IMap with the blocks' TTL (a MultiMap could not expire). */
    static MapConfig segmentIndex(StoreConfig c) {
        return new MapConfig(segmentIndexName(c)).setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(c.backupCount()).setAsyncBackupCount(0).setTimeToLiveSeconds(c.ttlSeconds());
    }

    /** Kryo serializers of the store's classes, the stats task's serializer, and Java serialization refused. */
    static void serialization(SerializationConfig s) {
        KryoRegistry.registerWith(s);
        s.addSerializerConfig(new SerializerConfig().setTypeClass(MemberStatsTask.class)
                .setImplementation(new MemberStatsTask.Serializer()));
        refuseJavaSerialization(s);
    }

    /**
     * A second wall behind the cluster secret: Hazelcast's default whitelist is off and only
     * {@link #JAVA_SERIALIZATION_PREFIXES} may be Java-deserialized (its default blacklist of known gadgets stays), so a
     * Java-serialized payload of any application or library class from a stranger is rejected before an object is
     * built. Ringmem itself sends nothing through Java serialization.
     */
    static void refuseJavaSerialization(SerializationConfig s) {
        ClassFilter whitelist = new ClassFilter();
        JAVA_SERIALIZATION_PREFIXES.forEach(whitelist::addPrefixes);
        s.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig().setDefaultsDisabled(true)
                .setWhitelist(whitelist));
    }

    /** The IP of a bind address given as an IP or a host name. */
    static String ip(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind address '" + host + "' does not resolve: " + e.getMessage(), e);
        }
    }

    private static void common(StoreConfig c, BiConsumer<String, String> property) {
        property.accept("hazelcast.logging.type", c.loggingType());
        property.accept("hazelcast.phone.home.enabled", "false");
    }
}
