package io.ringmem.store.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.unsafe.UnsafeInput;
import com.esotericsoftware.kryo.kryo5.unsafe.UnsafeOutput;

/**
 * One thread's Kryo with its reusable buffers. Not thread-safe: {@link KryoHazelcastSerializer} keeps one
 * per thread.
 *
 * <p>Uses Kryo's Unsafe streams (bulk array copies, native byte order: all JVMs of a cluster must share the
 * byte order, as x86-64 and aarch64 do). The output buffer grows to the largest value written by the thread
 * and is kept, so a thread that wrote a 4 MB block retains about 4 MB.
 */
final class KryoCodec {

    private final Kryo kryo = KryoRegistry.newKryo();
    private final UnsafeOutput output = new UnsafeOutput(64 * 1024, -1);
    private final UnsafeInput input = new UnsafeInput();

    byte[] write(Object value) {
        output.reset();
        kryo.writeObject(output, value);
        return output.toBytes();
    }

    <T> T read(byte[] bytes, Class<T> type) {
        input.setBuffer(bytes);
        return kryo.readObject(input, type);
    }
}
