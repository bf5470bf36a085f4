package io.ringmem.store.kryo;

import com.esotericsoftware.kryo.kryo5.KryoException;
import io.ringmem.RingmemException;

/**
 * Values of the registered classes ({@link KryoRegistry}) to bytes and back, outside Hazelcast (the store seals the
 * bytes before they reach a map). One Kryo per thread; thread-safe.
 */
public final class KryoValues {
    private final ThreadLocal<KryoCodec> codecs = ThreadLocal.withInitial(KryoCodec::new);

    /** The value's bytes (its class's registered format, no class id). */
    public byte[] write(Object value) {
        return codecs.get().write(value);
    }

    /**
     * The value of {@code type} in {@code bytes}.
     *
     * @throws RingmemException naming {@code what} when the bytes are not a value of that type
     */
    public <T> T read(byte[] bytes, Class<T> type, String what) {
        try {
            return codecs.get().read(bytes, type);
        } catch (KryoException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RingmemException(what + " is damaged: " + e.getMessage());
        }
    }
}
