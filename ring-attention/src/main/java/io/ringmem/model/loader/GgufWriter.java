package io.ringmem.model.loader;

import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes GGUF files (version 3 by default): metadata of every value type, and tensors given as float
 * arrays that are stored as F32, F16, BF16, Q8_0, Q4_0 or the K-quants Q4_K, Q5_K, Q6_K, Q8_K (quantized with
 * {@link Dequantize}, which uses ggml's reference quantizers), or as raw bytes of any type id. Shapes are given
 * outermost first ({@code [rows, cols]}) and written innermost first as GGUF wants.
 */
public final class GgufWriter {
    /** A metadata array value: {@code values} holds Java values of the element type (nested: more {@code Arr}). */
    public record Arr(int elementType, List<?> values) {
    }

    private record Value(int type, Object value) {
    }

    /** {@code data} is asked for once, when the file is written, and must return exactly {@code size} bytes. */
    private record Tensor(String name, long typeId, long[] shape, long size, Supplier<byte[]> data) {
    }

    private final Map<String, Value> meta = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Long> offsetOverrides = new LinkedHashMap<>();
    private int version = 3;
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    public GgufWriter version(int v) {
        version = v;
        return this;
    }

    /** Sets {@code general.alignment} and aligns the tensor data to it. */
    public GgufWriter alignment(int a) {
        alignment = a;
        return put("general.alignment", GgufFile.UINT32, (long) a);
    }

    /** A metadata entry; {@code value} must fit {@code type} (numbers as any {@link Number}, arrays as {@link Arr}). */
    public GgufWriter put(String key, int type, Object value) {
        meta.put(key, new Value(type, value));
        return this;
    }

    public GgufWriter string(String key, String v) {
        return put(key, GgufFile.STRING, v);
    }

    public GgufWriter uint32(String key, long v) {
        return put(key, GgufFile.UINT32, v);
    }

    public GgufWriter float32(String key, float v) {
        return put(key, GgufFile.FLOAT32, v);
    }

    public GgufWriter bool(String key, boolean v) {
        return put(key, GgufFile.BOOL, v);
    }

    public GgufWriter strings(String key, String... v) {
        return put(key, GgufFile.ARRAY, new Arr(GgufFile.STRING, List.of(v)));
    }

    public GgufWriter floats(String key, float[] v) {
        List<Float> l = new ArrayList<>(v.length);
        for (float f : v) l.add(f);
        return put(key, GgufFile.ARRAY, new Arr(GgufFile.FLOAT32, l));
    }

    public GgufWriter int32s(String key, int[] v) {
        List<Integer> l = new ArrayList<>(v.length);
        for (int x : v) l.add(x);
        return put(key, GgufFile.ARRAY, new Arr(GgufFile.INT32, l));
    }

    /** Adds a tensor stored as {@code type}; {@code shape} outermost first. */
    public GgufWriter tensor(String name, GgmlType type, float[] values, long... shape) {
        return rawTensor(name, type.id, Dequantize.encode(type, values), shape);
    }

    /** Adds a tensor of any type id with the given bytes. */
    public GgufWriter rawTensor(String name, long typeId, byte[] data, long... shape) {
        tensors.add(new Tensor(name, typeId, shape.clone(), data.length, () -> data));
        return this;
    }

    /** Lists tensor {@code name} at data offset {@code offset} in the directory (its bytes stay where they are). */
    public GgufWriter directoryOffset(String name, long offset) {
        offsetOverrides.put(name, offset);
        return this;
    }

    /**
     * Adds a tensor whose bytes are made only while the file is written (one tensor in memory at a time), so files
     * larger than the heap can be written. {@code data} must return exactly {@code size} bytes.
     */
    public GgufWriter lazyTensor(String name, long typeId, long size, Supplier<byte[]> data, long... shape) {
        tensors.add(new Tensor(name, typeId, shape.clone(), size, data));
        return this;
    }

    /** Writes the file, streaming the tensors' bytes one tensor at a time. */
    public void write(Path file) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            writeTo(os);
        }
    }

    public byte[] toBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            writeTo(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private void writeTo(OutputStream os) throws IOException {
        Out o = new Out();
        o.i32(GgufFile.MAGIC);
        o.i32(version);
        o.i64(tensors.size());
        o.i64(meta.size());
        for (var e : meta.entrySet()) {
            o.string(e.getKey());
            o.i32(e.getValue().type());
            writeValue(o, e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            o.string(t.name());
            o.i32(t.shape().length);
            for (int d = t.shape().length - 1; d >= 0; d--) o.i64(t.shape()[d]);
            o.i32((int) t.typeId());
            o.i64(offsetOverrides.getOrDefault(t.name(), offset));
            offsets.add(offset);
            offset = align(offset + t.size());
        }
        o.pad(align(o.size()) - o.size());
        o.writeTo(os);
        long written = 0;
        byte[] zeros = new byte[alignment];
        for (int i = 0; i < tensors.size(); i++) {
            os.write(zeros, 0, (int) (offsets.get(i) - written));
            Tensor t = tensors.get(i);
            byte[] data = t.data().get();
            if (data.length != t.size()) {
                throw new IllegalStateException(t.name() + ": " + data.length + " bytes, declared " + t.size());
            }
            os.write(data);
            written = offsets.get(i) + data.length;
        }
    }

    private long align(long x) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private static void writeValue(Out o, int type, Object v) {
        switch (type) {
            case GgufFile.UINT8, GgufFile.INT8 -> o.write(((Number) v).intValue());
            case GgufFile.UINT16, GgufFile.INT16 -> o.i16(((Number) v).intValue());
            case GgufFile.UINT32, GgufFile.INT32 -> o.i32((int) ((Number) v).longValue());
            case GgufFile.UINT64, GgufFile.INT64 -> o.i64(((Number) v).longValue());
            case GgufFile.FLOAT32 -> o.i32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case GgufFile.FLOAT64 -> o.i64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case GgufFile.BOOL -> o.write((Boolean) v ? 1 : 0);
            case GgufFile.STRING -> o.string((String) v);
            case GgufFile.ARRAY -> {
                Arr a = (Arr) v;
                o.i32(a.elementType());
                o.i64(a.values().size());
                for (Object x : a.values()) writeValue(o, a.elementType(), x);
            }
            default -> throw new IllegalArgumentException("type " + type);
        }
    }

    private static final class Out extends ByteArrayOutputStream {
        private final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void i16(int v) {
            b.clear();
            write(b.putShort((short) v).array(), 0, 2);
        }

        void i32(int v) {
            b.clear();
            write(b.putInt(v).array(), 0, 4);
        }

        void i64(long v) {
            b.clear();
            write(b.putLong(v).array(), 0, 8);
        }

        void string(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            i64(u.length);
            write(u, 0, u.length);
        }

        void bytes(byte[] d) {
            write(d, 0, d.length);
        }

        void pad(long n) {
            for (long i = 0; i < n; i++) write(0);
        }
    }
}
