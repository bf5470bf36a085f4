package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.ringmem.quant.KQuants.QK_K;
import static io.ringmem.quant.KVectors.BL;
import static io.ringmem.quant.KVectors.L;
import static io.ringmem.quant.KVectors.PARTS;
import static io.ringmem.quant.KVectors.S;

/**
 * ggml's Q6_K (type 14): super-blocks of 256 values in 210 bytes, as {@code block_q6_K} in ggml-common.h:
 * <pre>
 *    0  u8 ql[128]    low 4 bits; half h = 0, 1 uses ql[64·h ..]: byte 64·h + l holds value 128·h + l (low nibble)
 *                     and 128·h + 64 + l (high nibble), byte 64·h + 32 + l holds 128·h + 32 + l (low) and
 *                     128·h + 96 + l (high), l = 0..31
 *  128  u8 qh[64]     high 2 bits: byte 32·h + l holds, from bit 0 up, those of values 128·h + l, + 32 + l,
 *                     + 64 + l, + 96 + l (two bits each)
 *  192  i8 scales[16] one signed scale per 16 values (value i uses scales[i / 16])
 *  208  fp16 d        super-block scale
 * </pre>
 * Value {@code i} with 6-bit level {@code q} is {@code (d·scales[i/16])·(q − 32)} ({@code dequantize_row_q6_K}).
 * {@link #quantize} follows {@code quantize_row_q6_K_ref}: per 16 values {@code make_qx_quants(16, 32, rmse_type 1)},
 * the 16 scales quantized to int8 against the one of largest magnitude ({@code −128 / max}, capped at 127), then
 * levels recomputed from the stored scales and clamped to [−32, 31].
 */
public final class Q6KFormat implements BlockFormat {
    /** Bytes per super-block. */
    public static final int BLOCK_BYTES = 210;
    private static final int QH = 128, SC = 192, D = 208;

    @Override
    public String name() {
        return "Q6_K";
    }

    @Override
    public int ggmlId() {
        return 14;
    }

    @Override
    public int blockElements() {
        return QK_K;
    }

    @Override
    public int blockBytes() {
        return BLOCK_BYTES;
    }

    private static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    @Override
    public void dequantize(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks) {
        KQuants.checkBlocks(blocks);
        for (int b = 0; b < blocks; b++, byteOffset += BLOCK_BYTES, dstOff += QK_K) {
            float d = KQuants.half(src, byteOffset + D);
            for (int h = 0; h < 2; h++) {
                long ql = byteOffset + 64 * h, qh = byteOffset + QH + 32 * h;
                for (int l = 0; l < 32; l++) {
                    int a = u8(src, ql + l), c = u8(src, ql + 32 + l), hb = u8(src, qh + l);
                    int[] q = {(a & 0xF) | (hb & 3) << 4, (c & 0xF) | (hb >> 2 & 3) << 4,
                            (a >> 4) | (hb >> 4 & 3) << 4, (c >> 4) | (hb >> 6 & 3) << 4};
                    for (int k = 0; k < 4; k++) {
                        int i = 128 * h + 32 * k + l;
                        float ds = d * src.get(ValueLayout.JAVA_BYTE, byteOffset + SC + i / 16);
                        dst[dstOff + i] = ds * (q[k] - 32);
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long byteOffset, float[] x, int xOff, int blocks) {
        KQuants.checkBlocks(blocks);
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
        ByteVector off32 = ByteVector.broadcast(KVectors.BS, (byte) 32);
        for (int b = 0; b < blocks; b++, byteOffset += BLOCK_BYTES, xOff += QK_K) {
            float d = KQuants.half(src, byteOffset + D);
            long sc0 = src.get(KQuants.LONG_LE, byteOffset + SC), sc1 = src.get(KQuants.LONG_LE, byteOffset + SC + 8);
            for (int h = 0; h < 2; h++) {
                long ql = byteOffset + 64 * h, qh = byteOffset + QH + 32 * h;
                long sc = h == 0 ? sc0 : sc1; // the eight scales of this half
                for (int c = 0; c < 32; c += BL) {
                    ByteVector hb = KVectors.bytes(src, qh + c);
                    for (int odd = 0; odd < 2; odd++) { // ql[c..]: values +0, +64 (odd 0); ql[32 + c..]: +32, +96 (odd 1)
                        ByteVector a = KVectors.bytes(src, ql + 32 * odd + c);
                        ByteVector hlo = odd == 0 ? hb.lanewise(VectorOperators.LSHL, 4) : hb.lanewise(VectorOperators.LSHL, 2);
                        ByteVector hhi = odd == 0 ? hb : hb.lanewise(VectorOperators.LSHR, 2);
                        ByteVector qa = a.and((byte) 0xF).or(hlo.and((byte) 0x30)).sub(off32);
                        ByteVector qb = a.lanewise(VectorOperators.LSHR, 4).or(hhi.and((byte) 0x30)).sub(off32);
                        for (int p = 0; p < PARTS; p++) {
                            int i = 128 * h + 32 * odd + c + p * L;
                            int k = (32 * odd + c + p * L) / 16;
                            acc0 = term(qa, p, x, xOff + i, d * (byte) (sc >>> 8 * k), acc0);
                            acc1 = term(qb, p, x, xOff + i + 64, d * (byte) (sc >>> 8 * (k + 4)), acc1);
                        }
                    }
                }
            }
        }
        FloatVector v = acc0.add(acc1);
        // Lanes.sum written out, bit for bit: where C2 does not inline that call (callee already compiled big)
        // it boxes the vector, an allocation per row (bench decode measured 7 MB per Q4_K token)
        if (Lanes.L >= 16) v = v.add(v.rearrange(Lanes.SWAP8));
        if (Lanes.L >= 8) v = v.add(v.rearrange(Lanes.SWAP4));
        v = v.add(v.rearrange(Lanes.SWAP2));
        return v.add(v.rearrange(Lanes.SWAP1)).lane(0);
    }

    /** acc + (levels · x[xi ..]) · ds: L values that share one scale {@code ds}. */
    private static FloatVector term(ByteVector q, int part, float[] x, int xi, float ds, FloatVector acc) {
        return KVectors.floats(q, part).mul(FloatVector.fromArray(S, x, xi)).fma(FloatVector.broadcast(S, ds), acc);
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long byteOffset, int blocks) {
        KQuants.checkBlocks(blocks);
        int[] levels = new int[QK_K];
        float[] scales = new float[16];
        byte[] block = new byte[BLOCK_BYTES];
        for (int b = 0; b < blocks; b++, srcOff += QK_K, byteOffset += BLOCK_BYTES) {
            float maxScale = 0, maxAbsScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                scales[ib] = KQuants.makeQxQuants(16, 32, src, srcOff + 16 * ib, levels, 16 * ib);
                if (Math.abs(scales[ib]) > maxAbsScale) {
                    maxAbsScale = Math.abs(scales[ib]);
                    maxScale = scales[ib];
                }
            }
            if (maxAbsScale < KQuants.GROUP_MAX_EPS) {
                dst.asSlice(byteOffset, BLOCK_BYTES).fill((byte) 0); // all zero, d = +0
                continue;
            }
            float iscale = -128f / maxScale;
            float d = KQuants.roundHalf(1 / iscale);
            KQuants.putHalf(dst, byteOffset + D, 1 / iscale);
            for (int ib = 0; ib < 16; ib++) {
                int sc = Math.min(127, KQuants.nearestInt(iscale * scales[ib]));
                dst.set(ValueLayout.JAVA_BYTE, byteOffset + SC + ib, (byte) sc);
                float dj = d * (byte) sc;
                if (dj == 0) continue;
                for (int i = 0; i < 16; i++) {
                    levels[16 * ib + i] = Math.clamp(KQuants.nearestInt(src[srcOff + 16 * ib + i] / dj), -32, 31) + 32;
                }
            }
            for (int h = 0; h < 2; h++) {
                int j = 128 * h;
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[j + l], q2 = levels[j + l + 32], q3 = levels[j + l + 64], q4 = levels[j + l + 96];
                    block[64 * h + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                    block[64 * h + 32 + l] = (byte) ((q2 & 0xF) | (q4 & 0xF) << 4);
                    block[QH + 32 * h + l] = (byte) (q1 >> 4 | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
                }
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, byteOffset, QH + 64);
        }
    }
}
