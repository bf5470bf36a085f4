package io.ringmem.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A row-major fp32 matrix {@code (rows, cols)} held off the Java heap: either a memory-mapped slice of a model
 * file (fp32 tensors are used in place) or a segment filled at load time (dequantized or converted tensors).
 *
 * <p>Floats are little-endian. The segment's lifetime is owned by whoever created it (usually the
 * {@code LoadedModel}'s arena); using a matrix after its model is closed throws {@link IllegalStateException}.
 * Not guaranteed: alignment of the segment beyond 4 bytes.
 */
public record Matrix(MemorySegment data, int rows, int cols) {
    /** Little-endian float layout with 4-byte alignment, usable on mapped file slices. */
    public static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Matrix {
        Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix shape must be positive: (" + rows + ", " + cols + ")");
        }
        if (data.byteSize() != (long) rows * cols * Float.BYTES) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes does not hold ("
                    + rows + ", " + cols + ") floats");
        }
    }

    /** Wraps a heap array (copied into a global off-heap segment); meant for tests and small tensors. */
    public static Matrix of(float[] values, int rows, int cols) {
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * Float.BYTES, 64);
        MemorySegment.copy(values, 0, seg, FLOAT_LE, 0, values.length);
        return new Matrix(seg, rows, cols);
    }

    public float get(int row, int col) {
        return data.getAtIndex(FLOAT_LE, (long) row * cols + col);
    }

    /** Copies row {@code row} into {@code dst[dstOff .. dstOff + cols)}. */
    public void copyRow(int row, float[] dst, int dstOff) {
        MemorySegment.copy(data, FLOAT_LE, (long) row * cols * Float.BYTES, dst, dstOff, cols);
    }

    /** A heap copy of the whole matrix; only for tests and small tensors. */
    public float[] toArray() {
        float[] out = new float[rows * cols];
        MemorySegment.copy(data, FLOAT_LE, 0, out, 0, out.length);
        return out;
    }
}
