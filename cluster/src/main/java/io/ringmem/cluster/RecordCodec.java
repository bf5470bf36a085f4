package io.ringmem.cluster;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.RecordSerializer;
import io.ringmem.RingmemException;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Ringmem's records to bytes and back through Kryo 5 with registration required (an unregistered class is an error
 * on both sides, never a class name on the wire): primitive arrays, the JDK's immutable lists, then the given types
 * from id {@value #FIRST_ID} in list order. Records go through Kryo's record serializer, which calls the canonical
 * constructor, so a decoded record is validated like a constructed one; enums by ordinal; other classes need a
 * serializer in {@code custom}. Every component type of a given record must be built in or given (checked here, so
 * a record that gains a component of a new type fails at construction, not on the first message). Both sides must list
 * the same types in the same order (they run the same build).
 * One Kryo per thread; thread-safe.
 */
public final class RecordCodec {
    /** Kryo id of the first given type. */
    public static final int FIRST_ID = 200;

    /** Component types every codec handles (besides primitives and the given types); lists' elements are not checked. */
    private static final Set<Class<?>> BUILT_IN = Set.of(String.class, List.class, int[].class, long[].class, float[].class,
            double[].class, byte[].class, boolean[].class, double[][].class, float[][].class, int[][].class, String[].class);

    private final List<Class<?>> types;
    private final Map<Class<?>, Supplier<Serializer<?>>> custom;
    private final ThreadLocal<Kryo> kryos = ThreadLocal.withInitial(this::newKryo);
    private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(() -> new Output(4096, -1));

    public RecordCodec(List<Class<?>> types, Map<Class<?>, Supplier<Serializer<?>>> custom) {
        this.types = List.copyOf(types);
        this.custom = Map.copyOf(custom);
        for (Class<?> t : this.types) {
            if (!t.isRecord() && !t.isEnum() && !this.custom.containsKey(t)) {
                throw new IllegalArgumentException(t.getName() + " is neither a record nor an enum and has no serializer");
            }
            if (!t.isRecord()) continue;
            for (RecordComponent c : t.getRecordComponents()) {
                Class<?> ct = c.getType();
                if (!ct.isPrimitive() && !BUILT_IN.contains(ct) && !this.types.contains(ct)) {
                    throw new IllegalArgumentException(t.getSimpleName() + "." + c.getName() + " is a " + ct.getName()
                            + ", which this codec does not register: add it to the codec's types");
                }
            }
        }
    }

    /** The value and its registered class id. */
    public byte[] write(Object value) {
        Output out = outputs.get();
        out.reset();
        kryos.get().writeClassAndObject(out, value);
        return out.toBytes();
    }

    /**
     * The value in {@code bytes}, which must be a {@code type}.
     *
     * @throws RingmemException naming {@code what} when the bytes hold no such value
     */
    public <T> T read(byte[] bytes, Class<T> type, String what) {
        Object v;
        try {
            v = kryos.get().readClassAndObject(new Input(bytes));
        } catch (KryoException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RingmemException(what + " cannot be decoded: " + e.getMessage());
        }
        if (!type.isInstance(v)) {
            throw new RingmemException(what + " holds a " + (v == null ? "null" : v.getClass().getSimpleName())
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    private Kryo newKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        int id = 50;
        for (Class<?> a : List.of(int[].class, long[].class, float[].class, double[].class, byte[].class, boolean[].class,
                double[][].class, float[][].class, int[][].class, String[].class)) {
            kryo.register(a, id++);
        }
        kryo.register(ArrayList.class, id);
        ImmutableCollectionsSerializers.registerSerializers(kryo);
        id = FIRST_ID;
        for (Class<?> t : types) {
            Supplier<Serializer<?>> s = custom.get(t);
            if (s != null) kryo.register(t, s.get(), id++);
            else if (t.isRecord()) kryo.register(t, new RecordSerializer<>(), id++);
            else kryo.register(t, id++);
        }
        return kryo;
    }
}
