package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static io.ringmem.quant.KQuants.QK_K;
import static io.ringmem.quant.KVectors.BL;
import static io.ringmem.quant.KVectors.L;
import static io.ringmem.quant.KVectors.PARTS;
import static io.ringmem.quant.KVectors.S;

/**
 * ggml's Q4_K (type 12): super-blocks of 256 values in 144 bytes, as {@code block_q4_K} in ggml-common.h:
 * <pre>
 *   0  fp16 d       super-block scale of the sub-block scales
 *   2  fp16 dmin    super-block scale of the sub-block mins
 *   4  u8 s[12]     eight 6-bit scales sc[j] and mins m[j], packed as in {@link KQuants}
 *  16  u8 qs[128]   4-bit levels: byte 32·g + l holds value 64·g + l in its low nibble (sub-block 2g)
 *                   and value 64·g + 32 + l in its high nibble (sub-block 2g + 1), g = 0..3, l = 0..31
 * </pre>
 * Value {@code i} of sub-block {@code j} (32 values each) is {@code (d·sc[j])·q − (dmin·m[j])} (ggml's
 * {@code dequantize_row_q4_K}). {@link #quantize} follows {@code quantize_row_q4_K_ref}: per sub-block
 * {@code make_qkx2_quants(32, 15, weights = rms(sub-block) + |x|, rmin −1, rdelta 0.1, 20 steps)}, scales and mins
 * quantized to 6 bits against the largest of each, then levels recomputed from the stored scales.
 */
public final class Q4KFormat implements BlockFormat {
    /** Bytes per super-block. */
    public static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4, QS = 16;

    @Override
    public String name() {
        return "Q4_K";
    }

    @Override
    public int ggmlId() {
        return 12;
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
            float d = KQuants.half(src, byteOffset), dmin = KQuants.half(src, byteOffset + 2);
            for (int g = 0; g < 4; g++) {
                long s = byteOffset + SCALES;
                float d1 = d * KQuants.scale(src, s, 2 * g), m1 = dmin * KQuants.min(src, s, 2 * g);
                float d2 = d * KQuants.scale(src, s, 2 * g + 1), m2 = dmin * KQuants.min(src, s, 2 * g + 1);
                for (int l = 0; l < 32; l++) {
                    int q = src.get(ValueLayout.JAVA_BYTE, byteOffset + QS + 32 * g + l) & 0xFF;
                    dst[dstOff + 64 * g + l] = d1 * (q & 0xF) - m1;
                    dst[dstOff + 64 * g + 32 + l] = d2 * (q >> 4) - m2;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long byteOffset, float[] x, int xOff, int blocks) {
        KQuants.checkBlocks(blocks);
        FloatVector lo0 = FloatVector.zero(S), hi0 = lo0, lo1 = lo0, hi1 = lo0; // four chains hide FMA latency
        for (int b = 0; b < blocks; b++, byteOffset += BLOCK_BYTES, xOff += QK_K) {
            int dd = src.get(KQuants.INT_LE, byteOffset); // d, dmin
            float d = Float.float16ToFloat((short) dd), dmin = Float.float16ToFloat((short) (dd >>> 16));
            long sLo = src.get(KQuants.LONG_LE, byteOffset + SCALES);
            int sHi = src.get(KQuants.INT_LE, byteOffset + SCALES + 8);
            for (int g = 0; g < 4; g++) {
                FloatVector d1 = FloatVector.broadcast(S, d * KQuants.scale(sLo, sHi, 2 * g));
                FloatVector m1 = FloatVector.broadcast(S, -(dmin * KQuants.min(sLo, sHi, 2 * g)));
                FloatVector d2 = FloatVector.broadcast(S, d * KQuants.scale(sLo, sHi, 2 * g + 1));
                FloatVector m2 = FloatVector.broadcast(S, -(dmin * KQuants.min(sLo, sHi, 2 * g + 1)));
                long q = byteOffset + QS + 32 * g;
                int xb = xOff + 64 * g;
                for (int c = 0; c < 32; c += 2 * BL) { // 32 nibble bytes: values xb + c .. (low), xb + 32 + c .. (high)
                    ByteVector v0 = KVectors.bytes(src, q + c), v1 = KVectors.bytes(src, q + c + BL);
                    ByteVector l0 = v0.and((byte) 0x0F), h0 = KVectors.highNibbles(v0);
                    ByteVector l1 = v1.and((byte) 0x0F), h1 = KVectors.highNibbles(v1);
                    for (int p = 0; p < PARTS; p++) {
                        int xi = xb + c + p * L, xj = xi + BL;
                        lo0 = KVectors.floats(l0, p).fma(d1, m1).fma(FloatVector.fromArray(S, x, xi), lo0);
                        hi0 = KVectors.floats(h0, p).fma(d2, m2).fma(FloatVector.fromArray(S, x, xi + 32), hi0);
                        lo1 = KVectors.floats(l1, p).fma(d1, m1).fma(FloatVector.fromArray(S, x, xj), lo1);
                        hi1 = KVectors.floats(h1, p).fma(d2, m2).fma(FloatVector.fromArray(S, x, xj + 32), hi1);
                    }
                }
            }
        }
        FloatVector v = lo0.add(hi0).add(lo1.add(hi1));
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
        int[] levels = new int[QK_K], aux = new int[32], ls = new int[8], lm = new int[8];
        float[] weights = new float[32], scales = new float[8], mins = new float[8];
        byte[] packed = new byte[12];
        for (int b = 0; b < blocks; b++, srcOff += QK_K, byteOffset += BLOCK_BYTES) {
            float maxScale = 0, maxMin = 0;
            for (int j = 0; j < 8; j++) {
                int o = srcOff + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += src[o + l] * src[o + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(src[o + l]);
                scales[j] = KQuants.makeQkx2Quants(32, 15, src, o, weights, levels, 32 * j, aux, -1f, 0.1f, 20, false,
                        mins, j);
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            KQuants.quantize6(scales, mins, maxScale, maxMin, ls, lm);
            Arrays.fill(packed, (byte) 0);
            KQuants.packScales(ls, lm, packed);
            KQuants.putHalf(dst, byteOffset, maxScale / 63f);
            KQuants.putHalf(dst, byteOffset + 2, maxMin / 63f);
            MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, byteOffset + SCALES, 12);
            KQuants.requantize(src, srcOff, KQuants.roundHalf(maxScale / 63f), KQuants.roundHalf(maxMin / 63f), ls, lm, 15,
                    levels);
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    int q = levels[64 * g + l] | levels[64 * g + 32 + l] << 4;
                    dst.set(ValueLayout.JAVA_BYTE, byteOffset + QS + 32 * g + l, (byte) q);
                }
            }
        }
    }
}
