package io.ringmem.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.LocalMapStats;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import io.ringmem.store.StoreStats;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Runs on each member and returns its local counters of one map as
 * {@code [owned entries, backup entries, owned cost bytes, evictions, expirations]}. Members need this class
 * on their classpath (they do when started through {@link StoreMemberMain} or an embedded store). It travels through
 * its own {@link Serializer} (the map name only), never Java serialization.
 */
final class MemberStatsTask implements Callable<long[]>, HazelcastInstanceAware {
    /** Hazelcast type id of {@link Serializer}; outside the Kryo range of {@code KryoRegistry}. */
    static final int TYPE_ID = 7_900;

    private final String mapName;
    private HazelcastInstance instance;

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

    /** The task on the wire: its map name (UTF-8, at most 100 characters as a map name is). */
    static final class Serializer implements StreamSerializer<MemberStatsTask> {
        @Override
        public int getTypeId() {
            return TYPE_ID;
        }

        @Override
        public void write(ObjectDataOutput out, MemberStatsTask task) throws IOException {
            out.writeString(task.mapName);
        }

        @Override
        public MemberStatsTask read(ObjectDataInput in) throws IOException {
            String map = in.readString();
            if (map == null || map.length() > 100) throw new IOException("stats task with a bad map name");
            return new MemberStatsTask(map);
        }
    }
}
