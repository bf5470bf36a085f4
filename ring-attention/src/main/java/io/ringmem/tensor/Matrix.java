package io.ringmem.tensor;

import io.ringmem.quant.BlockFormat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A row-major matrix {@code (rows, cols)} of weights held off the Java heap, in one of two representations:
 * <ul>
 *   <li>fp32 ({@code format == null}): {@code rows · cols} little-endian floats, either a memory-mapped slice of a
 *   model file (fp32 tensors are used in place) or a segment filled at load time (converted tensors);</li>
 *   <li>block-quantized ({@code format != null}): each row is {@code cols / format.blockElements()} consecutive
 *   blocks of {@code format.blockBytes()} bytes, exactly as ggml stores them, usually a slice of the mapped GGUF
 *   file used in place. The kernels dispatch on {@link #format()}: fused dequantize-dot kernels read the blocks
 *   directly; {@link #get}, {@link #copyRow} and {@link #toArray} decode through the format's reference
 *   {@link BlockFormat#dequantize}.</li>
 * </ul>
 *
 * <p>The segment's lifetime is owned by whoever created it (usually the {@code LoadedModel}'s arena); using a
 * matrix after its model is closed throws {@link IllegalStateException}. Not guaranteed: alignment of the segment
 * beyond 4 bytes (fp32) or 1 byte (blocks).
 *
 * @param format null for fp32, else the block format of every row ({@code cols} a multiple of its block)
 */
public record Matrix(MemorySegment data, int rows, int cols, BlockFormat format) {
    /** Little-endian float layout with 4-byte alignment, usable on mapped file slices. */
    public static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Matrix {
        Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix shape must be positive: (" + rows + ", " + cols + ")");
        }
        if (format != null && cols % format.blockElements() != 0) {
            throw new IllegalArgumentException("rows of " + cols + " values are not whole " + format.name() + " blocks of "
                    + format.blockElements());
        }
        long expected = format == null ? (long) rows * cols * Float.BYTES
                : (long) rows * (cols / format.blockElements()) * format.blockBytes();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes does not hold ("
                    + rows + ", " + cols + ") " + (format == null ? "floats" : format.name() + " values"));
        }
    }

    /** An fp32 matrix over {@code data}. */
    public Matrix(MemorySegment data, int rows, int cols) {
        this(data, rows, cols, null);
    }

    /** Wraps a heap array (copied into a global off-heap segment); meant for tests and small tensors. */
    public static Matrix of(float[] values, int rows, int cols) {
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * Float.BYTES, 64);
        MemorySegment.copy(values, 0, seg, FLOAT_LE, 0, values.length);
        return new Matrix(seg, rows, cols);
    }

    /** Whether the rows are stored as quantized blocks. */
    public boolean quantized() {
        return format != null;
    }

    /** Bytes of one stored row. */
    public long rowBytes() {
        return format == null ? (long) cols * Float.BYTES : (long) (cols / format.blockElements()) * format.blockBytes();
    }

    public float get(int row, int col) {
        if (format == null) return data.getAtIndex(FLOAT_LE, (long) row * cols + col);
        int be = format.blockElements(), block = col / be;
        float[] tmp = new float[be];
        format.dequantize(data, row * rowBytes() + (long) block * format.blockBytes(), tmp, 0, 1);
        return tmp[col - block * be];
    }

    /** Copies row {@code row} (decoded to fp32) into {@code dst[dstOff .. dstOff + cols)}. */
    public void copyRow(int row, float[] dst, int dstOff) {
        if (format == null) {
            MemorySegment.copy(data, FLOAT_LE, (long) row * cols * Float.BYTES, dst, dstOff, cols);
        } else {
            format.dequantize(data, row * rowBytes(), dst, dstOff, cols / format.blockElements());
        }
    }

    /** A heap copy of the whole matrix, decoded to fp32; only for tests and small tensors. */
    public float[] toArray() {
        float[] out = new float[rows * cols];
        if (format == null) {
            MemorySegment.copy(data, FLOAT_LE, 0, out, 0, out.length);
        } else {
            for (int r = 0; r < rows; r++) copyRow(r, out, r * cols);
        }
        return out;
    }
}
