package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml's Q4_0: blocks of 32 weights in 18 bytes, an fp16 scale {@code d} then 16 bytes; byte j holds weight j in
 * its low nibble and weight j+16 in its high nibble; weight = d·(nibble − 8). The reference quantizer is ggml's
 * {@code quantize_row_q4_0_ref} (d = −(the value of largest magnitude) / 8, nibble = min(15, trunc(x / d + 8.5))).
 *
 * <p>{@link #dot} splits the 16 bytes into the two nibble halves as int8 lanes (−8..7), widens them to floats and
 * accumulates like {@link Q8_0Format}. Stateless and thread-safe.
 */
public final class Q4_0Format implements BlockFormat {
    /** ggml type id of Q4_0. */
    public static final int ID = 2;
    static final int BLOCK = 32;
    static final int BYTES = 18;

    @Override
    public String name() {
        return "Q4_0";
    }

    @Override
    public int ggmlId() {
        return ID;
    }

    @Override
    public int blockElements() {
        return BLOCK;
    }

    @Override
    public int blockBytes() {
        return BYTES;
    }

    @Override
    public void dequantize(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks) {
        byte[] raw = new byte[BYTES];
        for (int b = 0; b < blocks; b++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, byteOffset + (long) b * BYTES, raw, 0, BYTES);
            float d = Float.float16ToFloat((short) ((raw[0] & 0xFF) | raw[1] << 8));
            int o = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = raw[2 + j] & 0xFF;
                dst[o + j] = d * ((q & 0x0F) - 8);
                dst[o + 16 + j] = d * ((q >>> 4) - 8);
            }
        }
    }

    @Override
    public void unpack(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = byteOffset + (long) b * BYTES;
            FloatVector d = FloatVector.broadcast(Lanes.F, Lanes.half(src, p));
            ByteVector q = ByteVector.fromMemorySegment(Lanes.B, src, p + 2, Lanes.LE);
            int o = dstOff + b * BLOCK;
            Lanes.store16(low(q), d, dst, o);
            Lanes.store16(high(q), d, dst, o + 16);
        }
    }

    @Override
    public float dot(MemorySegment src, long byteOffset, float[] x, int xOff, int blocks) {
        FloatVector a = FloatVector.zero(Lanes.F), c = a;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long p = byteOffset + (long) b * BYTES;
            int xo = xOff + b * BLOCK;
            a = block(src, p, x, xo).fma(FloatVector.broadcast(Lanes.F, Lanes.half(src, p)), a);
            c = block(src, p + BYTES, x, xo + BLOCK).fma(FloatVector.broadcast(Lanes.F, Lanes.half(src, p + BYTES)), c);
        }
        if (b < blocks) {
            long p = byteOffset + (long) b * BYTES;
            a = block(src, p, x, xOff + b * BLOCK).fma(FloatVector.broadcast(Lanes.F, Lanes.half(src, p)), a);
        }
        FloatVector v = a.add(c);
        // Lanes.sum written out, bit for bit: where C2 does not inline that call (callee already compiled big)
        // it boxes the vector, an allocation per row (bench decode measured 7 MB per Q4_K token)
        if (Lanes.L >= 16) v = v.add(v.rearrange(Lanes.SWAP8));
        if (Lanes.L >= 8) v = v.add(v.rearrange(Lanes.SWAP4));
        v = v.add(v.rearrange(Lanes.SWAP2));
        return v.add(v.rearrange(Lanes.SWAP1)).lane(0);
    }

    /** Lanes of Σ (nibble_j − 8) · x[xo + j] over one block at byte p (unscaled). */
    private static FloatVector block(MemorySegment src, long p, float[] x, int xo) {
        ByteVector q = ByteVector.fromMemorySegment(Lanes.B, src, p + 2, Lanes.LE);
        return Lanes.dot16(low(q), x, xo).add(Lanes.dot16(high(q), x, xo + 16));
    }

    private static ByteVector low(ByteVector q) {
        return q.and((byte) 0x0F).sub((byte) 8);
    }

    private static ByteVector high(ByteVector q) {
        return q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long byteOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            int s = srcOff + b * BLOCK;
            long p = byteOffset + (long) b * BYTES;
            float amax = 0, max = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[s + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            dst.set(Lanes.SHORT_LE, p, Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (byte) (int) (src[s + j] * id + 8.5f));
                int hi = Math.min(15, (byte) (int) (src[s + 16 + j] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, p + 2 + j, (byte) (lo | hi << 4));
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
