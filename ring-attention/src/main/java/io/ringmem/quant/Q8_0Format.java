package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml's Q8_0: blocks of 32 weights in 34 bytes, an fp16 scale {@code d} then 32 int8 {@code q}; weight = d·q.
 * The reference quantizer is ggml's {@code quantize_row_q8_0_ref} (d = max|x| / 127, q = round-half-away(x / d)).
 *
 * <p>{@link #dot} keeps one vector accumulator per block pair: per 16 weights it widens int8 to float lanes,
 * multiplies by x, and adds the block's lane sums scaled by d into the running total, so it agrees with
 * dequantize-then-dot up to fp32 summation order. Stateless and thread-safe.
 */
public final class Q8_0Format implements BlockFormat {
    /** ggml type id of Q8_0. */
    public static final int ID = 8;
    static final int BLOCK = 32;
    static final int BYTES = 34;

    @Override
    public String name() {
        return "Q8_0";
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
            for (int j = 0; j < BLOCK; j++) dst[o + j] = d * raw[2 + j];
        }
    }

    @Override
    public void unpack(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = byteOffset + (long) b * BYTES;
            FloatVector d = FloatVector.broadcast(Lanes.F, Lanes.half(src, p));
            int o = dstOff + b * BLOCK;
            Lanes.store16(ByteVector.fromMemorySegment(Lanes.B, src, p + 2, Lanes.LE), d, dst, o);
            Lanes.store16(ByteVector.fromMemorySegment(Lanes.B, src, p + 18, Lanes.LE), d, dst, o + 16);
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

    /** Lanes of Σ q_j · x[xo + j] over one block at byte p (unscaled). */
    private static FloatVector block(MemorySegment src, long p, float[] x, int xo) {
        FloatVector lo = Lanes.dot16(ByteVector.fromMemorySegment(Lanes.B, src, p + 2, Lanes.LE), x, xo);
        return lo.add(Lanes.dot16(ByteVector.fromMemorySegment(Lanes.B, src, p + 18, Lanes.LE), x, xo + 16));
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long byteOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            int s = srcOff + b * BLOCK;
            long p = byteOffset + (long) b * BYTES;
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(src[s + j]));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            dst.set(Lanes.SHORT_LE, p, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) dst.set(ValueLayout.JAVA_BYTE, p + 2 + j, (byte) Lanes.roundAway(src[s + j] * id));
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
