package io.ringmem.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Pieces shared by the K-quant formats ({@link Q4KFormat}, {@link Q5KFormat}, {@link Q6KFormat}, {@link Q8KFormat}):
 * fp16 scalars, ggml's {@code nearest_int}, the 6-bit packed scales/mins of Q4_K and Q5_K, and the two scale
 * searches of ggml's reference quantizers ({@code make_qkx2_quants}, {@code make_qx_quants} with
 * {@code rmse_type = 1} and no importance weights), re-implemented from their description in ggml-quants.c.
 *
 * <p>The 12-byte {@code scales} field of Q4_K/Q5_K holds eight 6-bit scales {@code sc[j]} and eight 6-bit mins
 * {@code m[j]} (one pair per 32-value sub-block {@code j}): for {@code j < 4}, {@code sc[j] = s[j] & 63} and
 * {@code m[j] = s[j + 4] & 63}; for {@code j >= 4}, the low four bits are {@code s[j + 4] & 15} (scale) and
 * {@code s[j + 4] >> 4} (min) and the high two bits are the top bits of {@code s[j - 4]} (scale) and {@code s[j]}
 * (min). This is ggml's {@code get_scale_min_k4}.
 *
 * <p>Float arithmetic follows ggml's expressions operation by operation (Java never contracts {@code a * b + c}
 * into an FMA); a C compiler that does contract them may pick a different scale in rare near-ties, so the quantizer
 * is not guaranteed to be byte-identical to a given llama.cpp build.
 */
final class KQuants {
    /** Values per K-quant super-block ({@code QK_K}). */
    static final int QK_K = 256;
    /** ggml's {@code GROUP_MAX_EPS}: a group whose largest magnitude is below this is stored as zeros. */
    static final float GROUP_MAX_EPS = 1e-15f;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KQuants() {
    }

    /** The fp16 at {@code off}, as float (exact). */
    static float half(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(SHORT_LE, off));
    }

    /** Stores {@code v} as fp16 (round to nearest even, as ggml's {@code GGML_FP32_TO_FP16}). */
    static void putHalf(MemorySegment s, long off, float v) {
        s.set(SHORT_LE, off, Float.floatToFloat16(v));
    }

    /** {@code v} rounded through fp16, as ggml reads back a scale it has just stored. */
    static float roundHalf(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** ggml's {@code nearest_int}: round half to even (its 1.5·2²³ trick, valid for |f| ≤ 4194303). */
    static int nearestInt(float f) {
        return (int) Math.rint(f);
    }

    private static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** The 6-bit scale of sub-block {@code j} (0..7) from the 12 packed bytes at {@code off}. */
    static int scale(MemorySegment s, long off, int j) {
        return j < 4 ? u8(s, off + j) & 63 : (u8(s, off + j + 4) & 0xF) | (u8(s, off + j - 4) >> 6) << 4;
    }

    /** The 6-bit min of sub-block {@code j} (0..7) from the 12 packed bytes at {@code off}. */
    static int min(MemorySegment s, long off, int j) {
        return j < 4 ? u8(s, off + j + 4) & 63 : (u8(s, off + j + 4) >> 4) | (u8(s, off + j) >> 6) << 4;
    }

    /** Packs eight 6-bit scales {@code ls} and mins {@code lm} (each 0..63) into 12 bytes at {@code out[0..12)}. */
    static void packScales(int[] ls, int[] lm, byte[] out) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                out[j] = (byte) ls[j];
                out[j + 4] = (byte) lm[j];
            } else {
                out[j + 4] = (byte) ((ls[j] & 0xF) | (lm[j] & 0xF) << 4);
                out[j - 4] |= (byte) ((ls[j] >> 4) << 6);
                out[j] |= (byte) ((lm[j] >> 4) << 6);
            }
        }
    }

    /**
     * ggml's {@code make_qkx2_quants}: levels {@code L[i] ∈ [0, nmax]} and {@code scale}, {@code min ≥ 0} with
     * {@code x[i] ≈ scale · L[i] − min}, minimizing the weighted error (squared, or absolute when {@code useMad}) over
     * a first guess from the range and {@code nstep + 1} candidate scales {@code (nmax + rmin + rdelta · is) / range}
     * refined by weighted least squares.
     *
     * @param x    n values from {@code xo}
     * @param w    n weights
     * @param l    levels written to {@code l[lo .. lo + n)}
     * @param aux  scratch of n levels
     * @param mins {@code mins[mi]} receives the (non-negative) min
     * @return the scale
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] w, int[] l, int lo, int[] aux,
                                float rmin, float rdelta, int nstep, boolean useMad, float[] mins, int mi) {
        float min = x[xo], max = x[xo], sumW = w[0], sumX = sumW * x[xo];
        for (int i = 1; i < n; i++) {
            float v = x[xo + i];
            if (v < min) min = v;
            if (v > max) max = v;
            sumW += w[i];
            sumX += w[i] * v;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) l[lo + i] = 0;
            mins[mi] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min), scale = 1 / iscale, bestError = 0;
        for (int i = 0; i < n; i++) {
            int q = Math.clamp(nearestInt(iscale * (x[xo + i] - min)), 0, nmax);
            l[lo + i] = q;
            float diff = scale * q + min - x[xo + i];
            bestError += w[i] * (useMad ? Math.abs(diff) : diff * diff);
        }
        if (nstep < 1) {
            mins[mi] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; i++) {
                int q = Math.clamp(nearestInt(iscale * (x[xo + i] - min)), 0, nmax);
                aux[i] = q;
                sumL += w[i] * q;
                sumL2 += w[i] * q * q;
                sumXL += w[i] * q * x[xo + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float err = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xo + i];
                    err += w[i] * (useMad ? Math.abs(diff) : diff * diff);
                }
                if (err < bestError) {
                    System.arraycopy(aux, 0, l, lo, n);
                    bestError = err;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        mins[mi] = -min;
        return scale;
    }

    /**
     * ggml's {@code make_qx_quants} with {@code rmse_type = 1} and no importance weights (weights {@code x²}):
     * symmetric levels {@code L[i] ∈ [0, 2·nmax)} (stored with the offset {@code nmax}) and a scale, the sign of which
     * makes the value of largest magnitude land on level {@code −nmax}; 18 scales around {@code nmax / max} are tried
     * and the least-squares best kept.
     *
     * @return the scale ({@code x[i] ≈ scale · (L[i] − nmax)}), 0 for an all-(near-)zero group
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xo, int[] l, int lo) {
        float max = 0, amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) l[lo + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max, sumLX = 0, sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            int q = Math.clamp(nearestInt(iscale * v), -nmax, nmax - 1);
            l[lo + i] = q + nmax;
            float w = v * v;
            sumLX += w * v * q;
            sumL2 += w * q * q;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xo + i];
                int q = Math.clamp(nearestInt(iscale * v), -nmax, nmax - 1);
                float w = v * v;
                sumLX += w * v * q;
                sumL2 += w * q * q;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    l[lo + i] = nmax + Math.clamp(nearestInt(iscale * x[xo + i]), -nmax, nmax - 1);
                }
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }

    /**
     * Q4_K/Q5_K: the sub-block scales and mins as 6-bit multiples of {@code max / 63} ({@code ls}, {@code lm}), as
     * ggml stores them (the level is kept modulo 256 and capped at 63, as ggml's {@code uint8_t} does).
     */
    static void quantize6(float[] scales, float[] mins, float maxScale, float maxMin, int[] ls, int[] lm) {
        float invScale = maxScale > 0 ? 63f / maxScale : 0f, invMin = maxMin > 0 ? 63f / maxMin : 0f;
        for (int j = 0; j < 8; j++) {
            ls[j] = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
            lm[j] = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
        }
    }

    /**
     * Q4_K/Q5_K: levels {@code L ∈ [0, nmax]} of the 256 values at {@code x[xo..]} recomputed against the stored
     * (fp16-rounded) {@code d·ls[j]} and {@code dmin·lm[j]}; sub-blocks whose scale is 0 keep their levels.
     */
    static void requantize(float[] x, int xo, float d, float dmin, int[] ls, int[] lm, int nmax, int[] levels) {
        for (int j = 0; j < 8; j++) {
            float dj = d * ls[j];
            if (dj == 0) continue;
            float dm = dmin * lm[j];
            for (int i = 0; i < 32; i++) {
                levels[32 * j + i] = Math.clamp(nearestInt((x[xo + 32 * j + i] + dm) / dj), 0, nmax);
            }
        }
    }

    /** Requires {@code blocks ≥ 0}. */
    static void checkBlocks(int blocks) {
        if (blocks < 0) throw new IllegalArgumentException("negative block count " + blocks);
    }
}
