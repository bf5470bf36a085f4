package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.ringmem.quant.KQuants.QK_K;
import static io.ringmem.quant.KVectors.BL;
import static io.ringmem.quant.KVectors.L;
import static io.ringmem.quant.KVectors.PARTS;
import static io.ringmem.quant.KVectors.S;

/**
 * ggml's Q8_K (type 15), the int8 activation format llama.cpp's K-quant dot products use: blocks of 256 values in
 * 292 bytes, as {@code block_q8_K} in ggml-common.h:
 * <pre>
 *    0  f32 d          scale (a full float, not fp16)
 *    4  i8 qs[256]     levels; value i = d·qs[i]
 *  260  i16 bsums[16]  sum of qs[16·k .. 16·k + 16) for k = 0..15 (for the integer dots' min terms)
 * </pre>
 * {@link #quantize} follows {@code quantize_row_q8_K_ref}: {@code d = max / −127} where {@code max} is the value of
 * largest magnitude, {@code qs = min(127, nearest_int(−127 / max · x))}; an all-zero block gets {@code d = 0} and zero
 * levels (ggml leaves that block's {@code bsums} unwritten; here they are written as zeros). Ringmem's fused dots work
 * in fp32 on the weights' own formats and do not quantize activations, so this format is provided for layout
 * completeness (GGUF files may carry it) and as a weight format in its own right.
 */
public final class Q8KFormat implements BlockFormat {
    /** Bytes per block. */
    public static final int BLOCK_BYTES = 292;
    private static final int QS = 4, BSUMS = 260;

    @Override
    public String name() {
        return "Q8_K";
    }

    @Override
    public int ggmlId() {
        return 15;
    }

    @Override
    public int blockElements() {
        return QK_K;
    }

    @Override
    public int blockBytes() {
        return BLOCK_BYTES;
    }

    @Override
    public void dequantize(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks) {
        KQuants.checkBlocks(blocks);
        for (int b = 0; b < blocks; b++, byteOffset += BLOCK_BYTES, dstOff += QK_K) {
            float d = src.get(KQuants.FLOAT_LE, byteOffset);
            for (int i = 0; i < QK_K; i++) dst[dstOff + i] = d * src.get(ValueLayout.JAVA_BYTE, byteOffset + QS + i);
        }
    }

    @Override
    public float dot(MemorySegment src, long byteOffset, float[] x, int xOff, int blocks) {
        KQuants.checkBlocks(blocks);
        FloatVector acc = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++, byteOffset += BLOCK_BYTES, xOff += QK_K) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0;
            for (int c = 0; c < QK_K; c += 2 * BL) {
                ByteVector q0 = KVectors.bytes(src, byteOffset + QS + c), q1 = KVectors.bytes(src, byteOffset + QS + c + BL);
                for (int p = 0; p < PARTS; p++) {
                    s0 = KVectors.floats(q0, p).fma(FloatVector.fromArray(S, x, xOff + c + p * L), s0);
                    s1 = KVectors.floats(q1, p).fma(FloatVector.fromArray(S, x, xOff + c + BL + p * L), s1);
                }
            }
            acc = s0.add(s1).fma(FloatVector.broadcast(S, src.get(KQuants.FLOAT_LE, byteOffset)), acc);
        }
        FloatVector v = acc;
        // Lanes.sum written out, bit for bit: where C2 does not inline that call (callee already compiled big)
        // it boxes the vector, an allocation per row (bench decode measured 7 MB per Q4_K token)
        if (Lanes.L >= 16) v = v.add(v.rearrange(Lanes.SWAP8));
        if (Lanes.L >= 8) v = v.add(v.rearrange(Lanes.SWAP4));
        v = v.add(v.rearrange(Lanes.SWAP2));
        return v.add(v.rearrange(Lanes.SWAP1)).lane(0);
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long byteOffset, int blocks) {
        KQuants.checkBlocks(blocks);
        byte[] qs = new byte[QK_K];
        for (int b = 0; b < blocks; b++, srcOff += QK_K, byteOffset += BLOCK_BYTES) {
            float max = 0, amax = 0;
            for (int i = 0; i < QK_K; i++) {
                float ax = Math.abs(src[srcOff + i]);
                if (ax > amax) {
                    amax = ax;
                    max = src[srcOff + i];
                }
            }
            if (amax == 0) {
                dst.asSlice(byteOffset, BLOCK_BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -127f / max;
            for (int i = 0; i < QK_K; i++) qs[i] = (byte) Math.min(127, KQuants.nearestInt(iscale * src[srcOff + i]));
            for (int k = 0; k < 16; k++) {
                int sum = 0;
                for (int i = 0; i < 16; i++) sum += qs[16 * k + i];
                dst.set(KQuants.SHORT_LE, byteOffset + BSUMS + 2L * k, (short) sum);
            }
            dst.set(KQuants.FLOAT_LE, byteOffset, 1 / iscale);
            MemorySegment.copy(qs, 0, dst, ValueLayout.JAVA_BYTE, byteOffset + QS, QK_K);
        }
    }
}
