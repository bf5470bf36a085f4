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
 * ggml's Q5_K (type 13): super-blocks of 256 values in 176 bytes, as {@code block_q5_K} in ggml-common.h:
 * <pre>
 *   0  fp16 d       super-block scale of the sub-block scales
 *   2  fp16 dmin    super-block scale of the sub-block mins
 *   4  u8 s[12]     eight 6-bit scales sc[j] and mins m[j], packed as in {@link KQuants}
 *  16  u8 qh[32]    fifth bits: bit 2g of byte l belongs to value 64·g + l, bit 2g + 1 to value 64·g + 32 + l
 *  48  u8 qs[128]   low 4 bits, nibbles placed as in Q4_K: byte 32·g + l holds value 64·g + l (low nibble) and
 *                   value 64·g + 32 + l (high nibble), g = 0..3, l = 0..31
 * </pre>
 * Value of sub-block {@code j} with 5-bit level {@code q = nibble + 16·bit} is {@code (d·sc[j])·q − (dmin·m[j])}
 * ({@code dequantize_row_q5_K}). {@link #quantize} follows {@code quantize_row_q5_K_ref}: as Q4_K with
 * {@code make_qkx2_quants(32, 31, rmin −0.5, rdelta 0.1, 15 steps)}.
 */
public final class Q5KFormat implements BlockFormat {
    /** Bytes per super-block. */
    public static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4, QH = 16, QS = 48;

    @Override
    public String name() {
        return "Q5_K";
    }

    @Override
    public int ggmlId() {
        return 13;
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
            long s = byteOffset + SCALES;
            for (int g = 0; g < 4; g++) {
                float d1 = d * KQuants.scale(src, s, 2 * g), m1 = dmin * KQuants.min(src, s, 2 * g);
                float d2 = d * KQuants.scale(src, s, 2 * g + 1), m2 = dmin * KQuants.min(src, s, 2 * g + 1);
                for (int l = 0; l < 32; l++) {
                    int q = src.get(ValueLayout.JAVA_BYTE, byteOffset + QS + 32 * g + l) & 0xFF;
                    int h = src.get(ValueLayout.JAVA_BYTE, byteOffset + QH + l) & 0xFF;
                    dst[dstOff + 64 * g + l] = d1 * ((q & 0xF) + ((h >> 2 * g & 1) << 4)) - m1;
                    dst[dstOff + 64 * g + 32 + l] = d2 * ((q >> 4) + ((h >> 2 * g + 1 & 1) << 4)) - m2;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long byteOffset, float[] x, int xOff, int blocks) {
        KQuants.checkBlocks(blocks);
        FloatVector accLo = FloatVector.zero(S), accHi = accLo;
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
                for (int c = 0; c < 32; c += BL) {
                    ByteVector v = KVectors.bytes(src, q + c), h = KVectors.bytes(src, byteOffset + QH + c);
                    ByteVector lo = v.and((byte) 0x0F).or(KVectors.bitTo4(h, 2 * g));
                    ByteVector hi = KVectors.highNibbles(v).or(KVectors.bitTo4(h, 2 * g + 1));
                    for (int p = 0; p < PARTS; p++) {
                        int xi = xb + c + p * L;
                        accLo = KVectors.floats(lo, p).fma(d1, m1).fma(FloatVector.fromArray(S, x, xi), accLo);
                        accHi = KVectors.floats(hi, p).fma(d2, m2).fma(FloatVector.fromArray(S, x, xi + 32), accHi);
                    }
                }
            }
        }
        FloatVector v = accLo.add(accHi);
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
        byte[] packed = new byte[12], qh = new byte[32];
        for (int b = 0; b < blocks; b++, srcOff += QK_K, byteOffset += BLOCK_BYTES) {
            float maxScale = 0, maxMin = 0;
            for (int j = 0; j < 8; j++) {
                int o = srcOff + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += src[o + l] * src[o + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(src[o + l]);
                scales[j] = KQuants.makeQkx2Quants(32, 31, src, o, weights, levels, 32 * j, aux, -0.5f, 0.1f, 15, false,
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
            KQuants.requantize(src, srcOff, KQuants.roundHalf(maxScale / 63f), KQuants.roundHalf(maxMin / 63f), ls, lm, 31,
                    levels);
            Arrays.fill(qh, (byte) 0);
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    int l1 = levels[64 * g + l], l2 = levels[64 * g + 32 + l];
                    qh[l] |= (byte) ((l1 >> 4) << 2 * g | (l2 >> 4) << 2 * g + 1);
                    dst.set(ValueLayout.JAVA_BYTE, byteOffset + QS + 32 * g + l, (byte) ((l1 & 0xF) | (l2 & 0xF) << 4));
                }
            }
            MemorySegment.copy(qh, 0, dst, ValueLayout.JAVA_BYTE, byteOffset + QH, 32);
        }
    }
}
