package io.ringmem.store.kryo;

import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.hazelcast.StoredKey;
import io.ringmem.store.hazelcast.TestClusters;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KryoRegistryTest {

    /** One sample per registered class; a class registered without a sample here fails the round trip test. */
    private static final Map<Class<?>, Object> SAMPLES = Map.of(
            BlockKey.class, new BlockKey("doc-é/1", 3, 31, 1000),
            KvBlockRecord.class, TestClusters.record(7, 4099),
            StoredKey.class, new StoredKey(new BlockKey("d#2", 0, 0, 0)));

    @Test
    void idTableMatchesCheckedInFile() throws IOException {
        String checkedIn;
        try (InputStream in = KryoRegistry.class.getResourceAsStream("/kryo-ids.txt")) {
            assertNotNull(in, "kryo-ids.txt missing");
            checkedIn = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
        }
        assertEquals(checkedIn, KryoRegistry.idTable(),
                "Kryo ids changed: ids are stored data; append new ids, never renumber (update kryo-ids.txt)");
    }

    @Test
    void idsAndClassesAreUnique() {
        Set<Integer> ids = new HashSet<>();
        Set<Class<?>> types = new HashSet<>();
        for (KryoRegistry.Entry e : KryoRegistry.entries()) {
            assertTrue(ids.add(e.id()), "duplicate id " + e.id());
            assertTrue(types.add(e.type()), "duplicate class " + e.type());
        }
    }

    @Test
    void everyRegisteredClassRoundTrips() {
        for (KryoRegistry.Entry e : KryoRegistry.entries()) {
            Object sample = SAMPLES.get(e.type());
            assertNotNull(sample, "no round-trip sample for " + e.type());
            roundTrip(e, sample);
        }
    }

    @Test
    void emptyArraysRoundTrip() {
        KryoRegistry.Entry e = KryoRegistry.entries().stream().filter(x -> x.type() == KvBlockRecord.class)
                .findFirst().orElseThrow();
        roundTrip(e, new KvBlockRecord(0, new int[0], "f32", new byte[0], new float[0], 0));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void roundTrip(KryoRegistry.Entry e, Object sample) {
        KryoHazelcastSerializer s = new KryoHazelcastSerializer(e.type(), e.hazelcastTypeId());
        byte[] bytes = s.write(sample);
        assertEquals(sample, s.read(bytes), e.type().getName());
        // the same thread's buffers are reused: a second round trip must not see stale state
        assertEquals(sample, s.read(s.write(sample)), e.type().getName());
    }
}
