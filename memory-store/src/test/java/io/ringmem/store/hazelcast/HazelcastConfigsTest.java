package io.ringmem.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.crypto.ClusterSecret;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the member configuration says about binding, the cluster name, retention and Java serialization. */
class HazelcastConfigsTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("configs test secret 0123456789");

    @Test
    void bindsLoopbackByDefaultAndResolvesHostNames() {
        Config loopback = HazelcastConfigs.member(StoreConfig.builder("c").build(), "a");
        assertEquals("127.0.0.1", loopback.getProperty("hazelcast.local.localAddress"));
        assertEquals("false", loopback.getProperty("hazelcast.socket.bind.any"));
        // never by <interfaces>: Hazelcast's TCP-IP joiner would drop every member address on another host
        assertFalse(loopback.getNetworkConfig().getInterfaces().isEnabled());
        Config named = HazelcastConfigs.member(StoreConfig.builder("c").bindAddress("localhost").build(), "b");
        assertEquals("127.0.0.1", named.getProperty("hazelcast.local.localAddress"));
        Config all = HazelcastConfigs.member(StoreConfig.builder("c").bindAddress("0.0.0.0").secret(SECRET).build(), "c");
        assertFalse(all.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(null, all.getProperty("hazelcast.local.localAddress"));
        assertThrows(IllegalArgumentException.class, () -> HazelcastConfigs.ip("no-such-host.invalid"));
    }

    @Test
    void clusterNameAndTtlComeFromTheConfig() {
        StoreConfig c = StoreConfig.builder("base").secret(SECRET).ttl(Duration.ofHours(2)).build();
        Config m = HazelcastConfigs.member(c, "a");
        assertEquals(SECRET.clusterName("base"), m.getClusterName());
        assertEquals(7200, m.getMapConfig(c.mapName()).getTimeToLiveSeconds());
        assertEquals(7200, m.getMapConfig(HazelcastConfigs.segmentIndexName(c)).getTimeToLiveSeconds());
        assertEquals(SECRET.clusterName("base"), HazelcastConfigs.client(StoreConfig.builder("base").secret(SECRET)
                .mode(StoreMode.CLIENT).members(List.of("127.0.0.1:5701")).build(), "x").getClusterName());
    }

    @Test
    void javaDeserializationAcceptsOnlyHazelcastAndJdkExceptionPackages() {
        JavaSerializationFilterConfig f = HazelcastConfigs.member(StoreConfig.builder("c").build(), "a")
                .getSerializationConfig().getJavaSerializationFilterConfig();
        assertTrue(f.isDefaultsDisabled());
        assertEquals(HazelcastConfigs.JAVA_SERIALIZATION_PREFIXES.stream().sorted().toList(),
                f.getWhitelist().getPrefixes().stream().sorted().toList());
        assertTrue(f.getWhitelist().getClasses().isEmpty() && f.getWhitelist().getPackages().isEmpty());
        for (String p : f.getWhitelist().getPrefixes()) {
            assertFalse("io.ringmem.".startsWith(p) || "javax.management.".startsWith(p) || "java.rmi.".startsWith(p)
                    || "java.security.".startsWith(p), p);
        }
    }
}
