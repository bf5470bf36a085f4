package io.ringmem.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.LocalMapStats;
import io.ringmem.store.StoreStats;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Runs on each member and returns its local counters of one map as
 * {@code [owned entries, backup entries, owned cost bytes, evictions, expirations]}. Members need this class
 * on their classpath (they do when started through {@link StoreMemberMain} or an embedded store).
 */
final class MemberStatsTask implements Callable<long[]>, Serializable, HazelcastInstanceAware {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String mapName;
    private transient HazelcastInstance instance;

    MemberStatsTask(String mapName) {
        this.mapName = mapName;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public long[] call() {
        LocalMapStats s = instance.getMap(mapName).getLocalMapStats();
        return new long[] {s.getOwnedEntryCount(), s.getBackupEntryCount(), s.getOwnedEntryMemoryCost(),
                s.getEvictionCount(), s.getExpirationCount()};
    }

    static StoreStats toStats(long[] v) {
        return new StoreStats(v[0], v[1], v[2], v[3], v[4], 1);
    }
}
