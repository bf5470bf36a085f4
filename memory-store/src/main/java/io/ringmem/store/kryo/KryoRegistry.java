package io.ringmem.store.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.SerializerConfig;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.hazelcast.StoredKey;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one place where classes are registered with Kryo, with explicit, stable ids.
 *
 * <p>Ids are part of the stored data and of the wire format between members and clients. Never renumber or
 * reuse one: {@code kryo-ids.txt} (a resource of this module) is the checked-in copy of {@link #idTable()}
 * and a test fails when they differ. Add new classes with new ids at the end. Each class also gets a
 * Hazelcast serializer type id ({@link #HAZELCAST_TYPE_BASE} + Kryo id).
 */
public final class KryoRegistry {

    /** Offset of Hazelcast custom-serializer type ids; Hazelcast's own ids are negative. */
    public static final int HAZELCAST_TYPE_BASE = 7_000;

    /**
     * One registration.
     *
     * @param id         Kryo class id (stable)
     * @param type       registered class
     * @param serializer factory of its Kryo serializer (one per Kryo instance)
     */
    public record Entry(int id, Class<?> type, Supplier<Serializer<?>> serializer) {
        /** Hazelcast serializer type id of this class. */
        public int hazelcastTypeId() {
            return HAZELCAST_TYPE_BASE + id;
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(100, BlockKey.class, KryoSerializers.BlockKeySerializer::new),
            new Entry(101, KvBlockRecord.class, KryoSerializers.KvBlockRecordSerializer::new),
            new Entry(102, StoredKey.class, KryoSerializers.StoredKeySerializer::new));

    private KryoRegistry() {
    }

    /** All registrations, in id order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** A new Kryo with every class registered, registration required, references off. Not thread-safe. */
    public static Kryo newKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        for (Entry e : ENTRIES) {
            kryo.register(e.type(), e.serializer().get(), e.id());
        }
        return kryo;
    }

    /** Registers one Kryo-backed Hazelcast serializer per class in {@code config}. */
    public static void registerWith(SerializationConfig config) {
        for (Entry e : ENTRIES) {
            config.addSerializerConfig(new SerializerConfig().setTypeClass(e.type())
                    .setImplementation(new KryoHazelcastSerializer<>(e.type(), e.hazelcastTypeId())));
        }
    }

    /** The id table as checked in: one line {@code <kryo id> <class name>} per entry. */
    public static String idTable() {
        return ENTRIES.stream().map(e -> e.id() + " " + e.type().getName())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
