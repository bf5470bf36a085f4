package io.ringmem.store.kryo;

import com.hazelcast.nio.serialization.ByteArraySerializer;

/**
 * Hazelcast serializer of one class through Kryo, with one {@link KryoCodec} per thread (Kryo is not
 * thread-safe). The Hazelcast type id identifies the class, so Kryo writes no class id.
 */
final class KryoHazelcastSerializer<T> implements ByteArraySerializer<T> {

    private final Class<T> type;
    private final int typeId;
    private final ThreadLocal<KryoCodec> codecs = ThreadLocal.withInitial(KryoCodec::new);

    KryoHazelcastSerializer(Class<T> type, int typeId) {
        this.type = type;
        this.typeId = typeId;
    }

    @Override
    public int getTypeId() {
        return typeId;
    }

    @Override
    public byte[] write(T value) {
        return codecs.get().write(value);
    }

    @Override
    public T read(byte[] bytes) {
        return codecs.get().read(bytes, type);
    }
}
