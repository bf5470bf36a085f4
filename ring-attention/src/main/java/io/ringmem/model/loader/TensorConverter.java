package io.ringmem.model.loader;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.BlockFormats;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * Turns {@link StoredTensor}s into the model's weight forms, checking type and shape: F32 matrices are used in place
 * (a slice of the mapped file), and so are block-quantized matrices whose type has a {@link BlockFormats} entry
 * (unless the converter was made to dequantize); other types are converted to fp32 into segments allocated from the
 * model's arena; vectors become heap arrays.
 */
final class TensorConverter {
    /** Values converted per parallel task. */
    private static final long TASK = 1 << 16;

    private final Arena arena;
    private final boolean keepQuantized;

    /** A converter that expands every non-F32 matrix to fp32. */
    TensorConverter(Arena arena) {
        this(arena, false);
    }

    /** @param keepQuantized keep matrices of a type with a {@link BlockFormats} entry as their mapped blocks */
    TensorConverter(Arena arena, boolean keepQuantized) {
        this.arena = arena;
        this.keepQuantized = keepQuantized;
    }

    Matrix matrix(StoredTensor t, int rows, int cols) {
        checkShape(t, rows, cols);
        GgmlType type = supported(t);
        if (type == GgmlType.F32) return new Matrix(t.data(), rows, cols);
        BlockFormat format = keepQuantized ? BlockFormats.byId(type.id) : null;
        if (format != null) return new Matrix(t.data(), rows, cols, format);
        long count = (long) rows * cols;
        MemorySegment dst = arena.allocate(count * Float.BYTES, 64);
        if (count <= TASK * 2) {
            Dequantize.toF32(type, t.data(), 0, dst, 0, count);
        } else {
            long tasks = (count + TASK - 1) / TASK;
            LongStream.range(0, tasks).parallel().forEach(i -> {
                long from = i * TASK;
                long n = Math.min(TASK, count - from);
                Dequantize.toF32(type, t.data(), type.bytesFor(from), dst, from * Float.BYTES, n);
            });
        }
        return new Matrix(dst, rows, cols);
    }

    float[] vector(StoredTensor t, int n) {
        checkShape(t, n);
        return Dequantize.toFloatArray(supported(t), t.data(), 0, n);
    }

    static GgmlType supported(StoredTensor t) {
        if (t.type() == null) {
            throw Fail.at(t.file(), "tensor " + t.name() + " has unsupported type " + t.typeName() + "; supported: "
                    + t.supported());
        }
        return t.type();
    }

    static void checkShape(StoredTensor t, long... expected) {
        long[] got = t.shapeOfRank(expected.length);
        if (!Arrays.equals(got, expected)) {
            throw Fail.at(t.file(), "tensor " + t.name() + " has shape " + t.shapeText() + ", expected "
                    + Arrays.toString(expected));
        }
        if (t.type() != null && t.type().blockSize > 1 && expected[expected.length - 1] % t.type().blockSize != 0) {
            throw Fail.at(t.file(), "tensor " + t.name() + " of type " + t.typeName() + " has rows of "
                    + expected[expected.length - 1] + " values, not a multiple of " + t.type().blockSize);
        }
    }
}
