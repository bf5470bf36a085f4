package io.ringmem.model.loader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.lang.reflect.Array.getLength;

/**
 * A parsed GGUF file (versions 2 and 3, little-endian): its metadata and tensor directory over the mapped bytes.
 *
 * <p>Metadata values become: UINT8, INT8, UINT16, INT16, INT32 → {@link Integer}; UINT32, INT64, UINT64 →
 * {@link Long} (UINT64 above {@code Long.MAX_VALUE} wraps negative); FLOAT32 → {@link Float}; FLOAT64 →
 * {@link Double}; BOOL → {@link Boolean}; STRING → {@link String}; ARRAY → {@link Array}.
 */
final class GgufFile {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;

    /** GGUF metadata value type ids. */
    static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    /**
     * A metadata array. {@code values} is a {@code long[]} for integer element types, {@code float[]} for FLOAT32,
     * {@code double[]} for FLOAT64, {@code boolean[]} for BOOL, {@code String[]} for STRING and {@code Array[]} for
     * nested arrays.
     */
    record Array(int elementType, Object values) {
        int length() {
            return getLength(values);
        }
    }

    /** A tensor directory entry as the file lists it ({@code dims} innermost first). */
    record TensorInfo(String name, long[] dims, long typeId, long offset) {
    }

    private final Path file;
    private final int version;
    private final int alignment;
    private final long dataStart;
    private final Map<String, Object> metadata;
    private final Map<String, StoredTensor> tensors;

    private GgufFile(Path file, int version, int alignment, long dataStart, Map<String, Object> metadata,
                     Map<String, StoredTensor> tensors) {
        this.file = file;
        this.version = version;
        this.alignment = alignment;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    int version() {
        return version;
    }

    int alignment() {
        return alignment;
    }

    long dataStart() {
        return dataStart;
    }

    Path file() {
        return file;
    }

    /** Metadata in file order (unmodifiable). */
    Map<String, Object> metadata() {
        return metadata;
    }

    /** Tensors by name in file order (unmodifiable). Tensors of unsupported types have a null {@code data}. */
    Map<String, StoredTensor> tensors() {
        return tensors;
    }

    /** Parses {@code seg}, the whole mapped file. */
    static GgufFile parse(Path file, MemorySegment seg) {
        Cursor c = new Cursor(seg);
        try {
            int magic = c.i32();
            if (magic != MAGIC) throw Fail.at(file, "not a GGUF file (no GGUF magic)");
            int version = c.i32();
            if (version == 1) throw Fail.at(file, "GGUF version 1 is not supported (only versions 2 and 3)");
            if (version != 2 && version != 3) {
                if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                    throw Fail.at(file, "big-endian GGUF is not supported");
                }
                throw Fail.at(file, "unsupported GGUF version " + Integer.toUnsignedString(version)
                        + " (supported: 2, 3)");
            }
            long tensorCount = c.u64();
            long kvCount = c.u64();
            if (tensorCount < 0 || tensorCount > c.remaining() / 24) {
                throw Fail.at(file, "corrupt header: tensor count " + Long.toUnsignedString(tensorCount));
            }
            if (kvCount < 0 || kvCount > c.remaining() / 12) {
                throw Fail.at(file, "corrupt header: metadata count " + Long.toUnsignedString(kvCount));
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = c.string();
                int type = c.i32();
                Object value = readValue(file, c, type, key, 0);
                if (meta.putIfAbsent(key, value) != null) throw Fail.at(file, "duplicate metadata key " + key);
            }
            int alignment = DEFAULT_ALIGNMENT;
            Object a = meta.get("general.alignment");
            if (a != null) {
                long al = a instanceof Number n ? n.longValue() : -1;
                if (al <= 0 || al > (1 << 30) || Long.bitCount(al) != 1) {
                    throw Fail.at(file, "general.alignment must be a power of two, got " + a);
                }
                alignment = (int) al;
            }
            TensorInfo[] infos = new TensorInfo[(int) tensorCount];
            for (int i = 0; i < infos.length; i++) {
                String name = c.string();
                int nDims = c.i32();
                if (nDims < 1 || nDims > 8) throw Fail.at(file, "corrupt header: tensor " + name + " has " + nDims + " dimensions");
                long[] dims = new long[nDims];
                for (int d = 0; d < nDims; d++) {
                    dims[d] = c.u64();
                    if (dims[d] <= 0 || dims[d] > Integer.MAX_VALUE) {
                        throw Fail.at(file, "corrupt header: tensor " + name + " has dimension "
                                + Long.toUnsignedString(dims[d]));
                    }
                }
                long typeId = Integer.toUnsignedLong(c.i32());
                long offset = c.u64();
                infos[i] = new TensorInfo(name, dims, typeId, offset);
            }
            long dataStart = (c.pos + alignment - 1) / alignment * alignment;
            long size = seg.byteSize();
            Map<String, StoredTensor> tensors = new LinkedHashMap<>();
            for (TensorInfo t : infos) {
                long[] shape = new long[t.dims.length];
                long elements = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = t.dims[shape.length - 1 - d];
                    elements = Math.multiplyExact(elements, t.dims[d]);
                }
                GgmlType type = GgmlType.byId(t.typeId);
                String typeName = GgmlType.nameOf(t.typeId) + " (id " + t.typeId + ")";
                MemorySegment data = null;
                if (type != null) {
                    if (t.dims[0] % type.blockSize != 0) {
                        throw Fail.at(file, "tensor " + t.name + " of type " + typeName + " has rows of " + t.dims[0]
                                + " values, not a multiple of " + type.blockSize);
                    }
                    long bytes = type.bytesFor(elements);
                    if (t.offset < 0 || t.offset > size - dataStart || bytes > size - dataStart - t.offset) {
                        throw Fail.at(file, "truncated: tensor " + t.name + " needs bytes up to "
                                + Long.toUnsignedString(dataStart + t.offset + bytes) + " but the file has " + size);
                    }
                    data = seg.asSlice(dataStart + t.offset, bytes);
                }
                if (tensors.putIfAbsent(t.name, new StoredTensor(file, t.name, type, typeName, shape, data,
                        GgmlType.supportedList())) != null) {
                    throw Fail.at(file, "duplicate tensor " + t.name);
                }
            }
            checkDisjoint(file, tensors.values(), seg.address() + dataStart);
            return new GgufFile(file, version, alignment, dataStart, Collections.unmodifiableMap(meta),
                    Collections.unmodifiableMap(tensors));
        } catch (Truncated e) {
            throw Fail.at(file, "truncated or corrupt GGUF header (needs byte " + e.needed + ", file has "
                    + seg.byteSize() + ")");
        } catch (ArithmeticException e) {
            throw Fail.at(file, "corrupt header: tensor size overflows");
        }
    }

    /**
     * Refuses a directory whose tensors' byte ranges overlap (only tensors of a known type have a known size).
     *
     * @param base address of the first data byte (the mapped file's address plus the data section's start)
     */
    private static void checkDisjoint(Path file, Collection<StoredTensor> tensors, long base) {
        List<StoredTensor> sized = new ArrayList<>();
        for (StoredTensor t : tensors) {
            if (t.data() != null && t.data().byteSize() > 0) sized.add(t);
        }
        sized.sort(Comparator.comparingLong(t -> t.data().address()));
        for (int i = 1; i < sized.size(); i++) {
            StoredTensor a = sized.get(i - 1), b = sized.get(i);
            if (b.data().address() < a.data().address() + a.data().byteSize()) {
                throw Fail.at(file, "corrupt tensor directory: tensor " + b.name() + " (data bytes " + range(b, base)
                        + ") overlaps tensor " + a.name() + " (data bytes " + range(a, base) + ")");
            }
        }
    }

    private static String range(StoredTensor t, long base) {
        long from = t.data().address() - base;
        return from + ".." + (from + t.data().byteSize());
    }

    private static Object readValue(Path file, Cursor c, int type, String key, int depth) {
        return switch (type) {
            case UINT8 -> c.u8();
            case INT8 -> (int) c.i8();
            case UINT16 -> c.u16();
            case INT16 -> (int) c.i16();
            case UINT32 -> Integer.toUnsignedLong(c.i32());
            case INT32 -> c.i32();
            case FLOAT32 -> c.f32();
            case BOOL -> {
                int b = c.u8();
                if (b > 1) throw Fail.at(file, "corrupt metadata: " + key + " has bool value " + b);
                yield b == 1;
            }
            case STRING -> c.string();
            case UINT64, INT64 -> c.u64();
            case FLOAT64 -> c.f64();
            case ARRAY -> {
                if (depth > 16) throw Fail.at(file, "corrupt metadata: " + key + " nests arrays too deeply");
                int elementType = c.i32();
                long n = c.u64();
                int minSize = switch (elementType) {
                    case UINT8, INT8, BOOL -> 1;
                    case UINT16, INT16 -> 2;
                    case UINT32, INT32, FLOAT32 -> 4;
                    case UINT64, INT64, FLOAT64, STRING -> 8;
                    case ARRAY -> 12;
                    default -> throw Fail.at(file, "corrupt metadata: " + key + " has unknown array element type "
                            + Integer.toUnsignedString(elementType));
                };
                if (n < 0 || n > c.remaining() / minSize) {
                    throw Fail.at(file, "truncated or corrupt metadata: " + key + " claims "
                            + Long.toUnsignedString(n) + " elements");
                }
                int len = (int) n;
                Object values = switch (elementType) {
                    case FLOAT32 -> {
                        float[] v = new float[len];
                        for (int i = 0; i < len; i++) v[i] = c.f32();
                        yield v;
                    }
                    case FLOAT64 -> {
                        double[] v = new double[len];
                        for (int i = 0; i < len; i++) v[i] = c.f64();
                        yield v;
                    }
                    case BOOL -> {
                        boolean[] v = new boolean[len];
                        for (int i = 0; i < len; i++) v[i] = c.u8() != 0;
                        yield v;
                    }
                    case STRING -> {
                        String[] v = new String[len];
                        for (int i = 0; i < len; i++) v[i] = c.string();
                        yield v;
                    }
                    case ARRAY -> {
                        Array[] v = new Array[len];
                        for (int i = 0; i < len; i++) v[i] = (Array) readValue(file, c, ARRAY, key, depth + 1);
                        yield v;
                    }
                    default -> {
                        long[] v = new long[len];
                        for (int i = 0; i < len; i++) {
                            v[i] = switch (elementType) {
                                case UINT8 -> c.u8();
                                case INT8 -> c.i8();
                                case UINT16 -> c.u16();
                                case INT16 -> c.i16();
                                case UINT32 -> Integer.toUnsignedLong(c.i32());
                                case INT32 -> c.i32();
                                default -> c.u64();
                            };
                        }
                        yield v;
                    }
                };
                yield new Array(elementType, values);
            }
            default -> throw Fail.at(file, "corrupt metadata: " + key + " has unknown value type "
                    + Integer.toUnsignedString(type));
        };
    }

    /** Thrown by {@link Cursor} when a read would pass the end of the file. */
    private static final class Truncated extends RuntimeException {
        final long needed;

        Truncated(long needed) {
            super(null, null, false, false);
            this.needed = needed;
        }
    }

    /** Sequential little-endian reads with bounds checks. */
    private static final class Cursor {
        private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        final MemorySegment seg;
        long pos;

        Cursor(MemorySegment seg) {
            this.seg = seg;
        }

        long remaining() {
            return seg.byteSize() - pos;
        }

        private long take(long n) {
            if (n < 0 || n > remaining()) throw new Truncated(n < 0 ? Long.MAX_VALUE : pos + n);
            long p = pos;
            pos += n;
            return p;
        }

        int u8() {
            return seg.get(ValueLayout.JAVA_BYTE, take(1)) & 0xFF;
        }

        byte i8() {
            return seg.get(ValueLayout.JAVA_BYTE, take(1));
        }

        int u16() {
            return seg.get(I16, take(2)) & 0xFFFF;
        }

        short i16() {
            return seg.get(I16, take(2));
        }

        int i32() {
            return seg.get(I32, take(4));
        }

        long u64() {
            return seg.get(I64, take(8));
        }

        float f32() {
            return seg.get(F32, take(4));
        }

        double f64() {
            return seg.get(F64, take(8));
        }

        String string() {
            long n = u64();
            if (n < 0 || n > remaining()) throw new Truncated(n < 0 ? Long.MAX_VALUE : pos + n);
            if (n > Integer.MAX_VALUE - 16) throw new Truncated(pos + n);
            byte[] b = new byte[(int) n];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, take(n), b, 0, b.length);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
