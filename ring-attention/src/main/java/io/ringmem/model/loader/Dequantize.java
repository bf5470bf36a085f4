package io.ringmem.model.loader;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.Q4KFormat;
import io.ringmem.quant.Q5KFormat;
import io.ringmem.quant.Q6KFormat;
import io.ringmem.quant.Q8KFormat;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Number formats of stored tensors, both directions: fp16 and bf16 scalars, ggml's Q8_0 and Q4_0 blocks, and bulk
 * conversion of any {@link GgmlType} to fp32 (the K-quants through their {@code io.ringmem.quant} formats). The
 * encoders follow ggml's reference quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref},
 * {@code quantize_row_q4_K_ref} etc.) so files written with them (tests) look like llama.cpp's.
 *
 * <ul>
 *   <li>Q8_0 block (34 bytes): fp16 scale {@code d}, then 32 int8 {@code q}; value = d·q.</li>
 *   <li>Q4_0 block (18 bytes): fp16 scale {@code d}, then 16 bytes; byte j holds element j in its low nibble and
 *       element j+16 in its high nibble; value = d·(nibble − 8).</li>
 * </ul>
 * All multi-byte values are little-endian. Stateless and thread-safe.
 */
public final class Dequantize {
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Elements converted per step of the bulk loops (a multiple of every block size). */
    private static final int CHUNK = 8192;
    // stateless, thread-safe K-quant codecs (the formats of io.ringmem.quant)
    private static final BlockFormat Q4_K_FORMAT = new Q4KFormat(), Q5_K_FORMAT = new Q5KFormat(),
            Q6_K_FORMAT = new Q6KFormat(), Q8_K_FORMAT = new Q8KFormat();

    private Dequantize() {
    }

    /** IEEE binary16 bits to float (exact). */
    public static float halfToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** Float to IEEE binary16 bits, rounding to nearest even. */
    public static short floatToHalf(float f) {
        return Float.floatToFloat16(f);
    }

    /** bfloat16 bits to float (exact). */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** Float to bfloat16 bits, rounding to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    /** C's {@code roundf}: halves away from zero. */
    private static int roundAway(float x) {
        return (int) (x < 0 ? -Math.floor(-x + 0.5f) : Math.floor(x + 0.5f));
    }

    /** Q8_0 blocks of {@code x} (length a multiple of 32), as ggml's reference quantizer writes them. */
    public static byte[] quantizeQ8_0(float[] x) {
        requireBlocks(x.length);
        ByteBuffer out = ByteBuffer.allocate(x.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < x.length; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            out.putShort(floatToHalf(d));
            for (int j = 0; j < 32; j++) out.put((byte) roundAway(x[b + j] * id));
        }
        return out.array();
    }

    /** Q4_0 blocks of {@code x} (length a multiple of 32), as ggml's reference quantizer writes them. */
    public static byte[] quantizeQ4_0(float[] x) {
        requireBlocks(x.length);
        ByteBuffer out = ByteBuffer.allocate(x.length / 32 * 18).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < x.length; b += 32) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[b + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            out.putShort(floatToHalf(d));
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (byte) (int) (x[b + j] * id + 8.5f));
                int hi = Math.min(15, (byte) (int) (x[b + 16 + j] * id + 8.5f));
                out.put((byte) (lo | hi << 4));
            }
        }
        return out.array();
    }

    /** {@code x} stored as {@code type}: little-endian floats, halves, or quantized blocks. */
    public static byte[] encode(GgmlType type, float[] x) {
        return switch (type) {
            case F32 -> {
                ByteBuffer out = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : x) out.putFloat(v);
                yield out.array();
            }
            case F16, BF16 -> {
                ByteBuffer out = ByteBuffer.allocate(x.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : x) out.putShort(type == GgmlType.F16 ? floatToHalf(v) : floatToBf16(v));
                yield out.array();
            }
            case Q8_0 -> quantizeQ8_0(x);
            case Q4_0 -> quantizeQ4_0(x);
            case Q4_K, Q5_K, Q6_K, Q8_K -> {
                if (x.length % type.blockSize != 0) {
                    throw new IllegalArgumentException("length " + x.length + " is not a multiple of " + type.blockSize);
                }
                byte[] out = new byte[x.length / type.blockSize * type.blockBytes];
                kQuant(type).quantize(x, 0, MemorySegment.ofArray(out), 0, x.length / type.blockSize);
                yield out;
            }
        };
    }

    /** The K-quant format of {@code type} (a K-quant). */
    private static BlockFormat kQuant(GgmlType type) {
        return switch (type) {
            case Q4_K -> Q4_K_FORMAT;
            case Q5_K -> Q5_K_FORMAT;
            case Q6_K -> Q6_K_FORMAT;
            case Q8_K -> Q8_K_FORMAT;
            default -> throw new IllegalArgumentException(type + " is not a K-quant");
        };
    }

    private static void requireBlocks(int n) {
        if (n % 32 != 0) throw new IllegalArgumentException("length " + n + " is not a multiple of 32");
    }

    /**
     * Converts {@code count} values of {@code type} at {@code src[srcOffset..]} into little-endian floats at
     * {@code dst[dstOffset..]}. For block types {@code count} must be a multiple of the block size and
     * {@code srcOffset} must point at a block start.
     */
    public static void toF32(GgmlType type, MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset,
                             long count) {
        if (count % type.blockSize != 0) {
            throw new IllegalArgumentException(count + " values is not a whole number of " + type + " blocks");
        }
        if (type == GgmlType.F32) {
            MemorySegment.copy(src, srcOffset, dst, dstOffset, count * Float.BYTES);
            return;
        }
        float[] f = new float[(int) Math.min(CHUNK, count)];
        short[] s = type == GgmlType.F16 || type == GgmlType.BF16 ? new short[f.length] : null;
        byte[] raw = s == null ? new byte[f.length / type.blockSize * type.blockBytes] : null;
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(f.length, count - done);
            switch (type) {
                case F16 -> {
                    MemorySegment.copy(src, SHORT_LE, srcOffset + done * 2, s, 0, n);
                    for (int i = 0; i < n; i++) f[i] = Float.float16ToFloat(s[i]);
                }
                case BF16 -> {
                    MemorySegment.copy(src, SHORT_LE, srcOffset + done * 2, s, 0, n);
                    for (int i = 0; i < n; i++) f[i] = Float.intBitsToFloat((s[i] & 0xFFFF) << 16);
                }
                case Q8_0 -> {
                    int blocks = n / 32;
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOffset + done / 32 * 34, raw, 0, blocks * 34);
                    for (int b = 0; b < blocks; b++) {
                        int p = b * 34;
                        float d = Float.float16ToFloat((short) ((raw[p] & 0xFF) | raw[p + 1] << 8));
                        for (int j = 0; j < 32; j++) f[b * 32 + j] = d * raw[p + 2 + j];
                    }
                }
                case Q4_0 -> {
                    int blocks = n / 32;
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOffset + done / 32 * 18, raw, 0, blocks * 18);
                    for (int b = 0; b < blocks; b++) {
                        int p = b * 18;
                        float d = Float.float16ToFloat((short) ((raw[p] & 0xFF) | raw[p + 1] << 8));
                        for (int j = 0; j < 16; j++) {
                            int q = raw[p + 2 + j] & 0xFF;
                            f[b * 32 + j] = d * ((q & 0x0F) - 8);
                            f[b * 32 + 16 + j] = d * ((q >>> 4) - 8);
                        }
                    }
                }
                case Q4_K, Q5_K, Q6_K, Q8_K ->
                        kQuant(type).dequantize(src, srcOffset + type.bytesFor(done), f, 0, n / type.blockSize);
                default -> throw new AssertionError(type);
            }
            MemorySegment.copy(f, 0, dst, Matrix.FLOAT_LE, dstOffset + done * Float.BYTES, n);
            done += n;
        }
    }

    /** {@code count} values of {@code type} at {@code src[srcOffset..]} as a heap array (small tensors only). */
    public static float[] toFloatArray(GgmlType type, MemorySegment src, long srcOffset, int count) {
        float[] out = new float[count];
        MemorySegment dst = MemorySegment.ofArray(out);
        // a heap float[] segment is native-order; convert through a little-endian view only when they differ
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            toF32(type, src, srcOffset, dst, 0, count);
        } else {
            MemorySegment tmp = MemorySegment.ofArray(new byte[count * 4]);
            toF32(type, src, srcOffset, tmp, 0, count);
            MemorySegment.copy(tmp, Matrix.FLOAT_LE, 0, out, 0, count);
        }
        return out;
    }
}
