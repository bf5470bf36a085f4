package io.ringmem.cuda;

import static io.ringmem.cuda.GpuTests.assertClose;
import static io.ringmem.cuda.GpuTests.gaussian;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.ScalarKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The algorithm of {@code attention.cu}, transcribed step by step onto the CPU (blocks of 16 query rows, tiles of
 * 32 keys, scores in log2 units, the causal tile skip by the block's largest query position, the "nothing visible
 * yet" guard, lse = (m + log2 l)·ln 2), against the scalar reference: the online-softmax bookkeeping and the masking
 * rules are right before any GPU runs them. It does not check the CUDA code itself (indexing, synchronization):
 * GpuKernelsTest does, on a device.
 */
class FlashAlgorithmTest {
    private static final int BR = 16;
    private static final int BC = 32;
    private static final float LOG2E = 1.4426950408889634f;
    private static final float LN2 = 0.6931471805599453f;

    /** attention.cu's flash_fwd for every block and head, in fp32 as the kernel computes. */
    static void flash(AttentionShape s, float[] q, int[] qPos, int nq, float[] k, float[] v, int[] kPos, int nk,
                      boolean causal, float[] out, float[] lse) {
        int d = s.headDim(), heads = s.heads(), kvh = s.kvHeads();
        float s2 = s.scale() * LOG2E;
        for (int h = 0; h < heads; h++) {
            int kh = h / (heads / kvh);
            for (int i0 = 0; i0 < nq; i0 += BR) {
                int blockMax = Integer.MIN_VALUE;
                for (int r = 0; r < BR; r++) if (i0 + r < nq) blockMax = Math.max(blockMax, qPos[i0 + r]);
                float[] m = new float[BR], l = new float[BR];
                float[][] acc = new float[BR][d];
                Arrays.fill(m, Float.NEGATIVE_INFINITY);
                for (int j0 = 0; j0 < nk; j0 += BC) {
                    int jn = Math.min(BC, nk - j0);
                    if (causal) {
                        int kmin = Integer.MAX_VALUE;
                        for (int j = 0; j < jn; j++) kmin = Math.min(kmin, kPos[j0 + j]);
                        if (kmin > blockMax) continue;
                    }
                    for (int r = 0; r < BR; r++) {
                        int i = i0 + r;
                        int myPos = i < nq ? qPos[i] : Integer.MIN_VALUE;
                        float[] sc = new float[BC];
                        float tileMax = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < BC; j++) {
                            boolean visible = j < jn && (!causal || kPos[j0 + j] <= myPos);
                            float dot = 0;
                            if (j < jn && i < nq) {
                                for (int c = 0; c < d; c++) {
                                    dot = Math.fma(q[(i * heads + h) * d + c] * s2, k[((j0 + j) * kvh + kh) * d + c], dot);
                                }
                            }
                            sc[j] = visible ? dot : Float.NEGATIVE_INFINITY;
                            tileMax = Math.max(tileMax, sc[j]);
                        }
                        float mNew = Math.max(m[r], tileMax);
                        boolean none = mNew == Float.NEGATIVE_INFINITY;
                        float alpha = none ? 1f : exp2(m[r] - mNew), sum = 0;
                        float[] p = new float[BC];
                        for (int j = 0; j < BC; j++) sum += p[j] = none ? 0f : exp2(sc[j] - mNew);
                        l[r] = l[r] * alpha + sum;
                        m[r] = mNew;
                        for (int c = 0; c < d; c++) acc[r][c] *= alpha;
                        for (int j = 0; j < jn; j++) {
                            for (int c = 0; c < d; c++) acc[r][c] = Math.fma(p[j], v[((j0 + j) * kvh + kh) * d + c], acc[r][c]);
                        }
                    }
                }
                for (int r = 0; r < BR && i0 + r < nq; r++) {
                    int ro = (i0 + r) * heads + h;
                    boolean none = l[r] == 0f;
                    for (int c = 0; c < d; c++) out[ro * d + c] = none ? 0f : acc[r][c] * (1f / l[r]);
                    lse[ro] = none ? Float.NEGATIVE_INFINITY : (m[r] + (float) (Math.log(l[r]) / Math.log(2))) * LN2;
                }
            }
        }
    }

    private static float exp2(float x) {
        return (float) Math.pow(2, x);
    }

    @ParameterizedTest(name = "nq={0} nk={1} hd={2} causal={3}")
    @CsvSource({"1,1,8,true", "17,45,16,true", "40,100,64,false", "33,70,32,true", "16,300,128,true", "50,5,64,true"})
    void matchesTheReference(int nq, int nk, int hd, boolean causal) {
        AttentionShape s = AttentionShape.of(8, 2, hd);
        SplittableRandom r = new SplittableRandom(nq * 31L + nk);
        int[] qPos = new int[nq], kPos = new int[nk];
        for (int i = 0; i < nq; i++) qPos[i] = r.nextInt(0, 120);   // unsorted; some queries see no key at all
        for (int j = 0; j < nk; j++) kPos[j] = r.nextInt(10, 400);  // whole tiles beyond every query: skipped
        float[] q = gaussian(nq * 8 * hd, nq, 1), k = gaussian(nk * 2 * hd, nk, 1), v = gaussian(nk * 2 * hd, nk + 1, 1);
        float[] out = new float[q.length], lse = new float[nq * 8], gotOut = new float[q.length], gotLse = new float[nq * 8];
        new ScalarKernels().attention(s, q, qPos, nq, k, v, kPos, nk, causal, out, lse);
        flash(s, q, qPos, nq, k, v, kPos, nk, causal, gotOut, gotLse);
        assertClose(out, gotOut, out.length, 1e-5, "out");
        assertClose(lse, gotLse, lse.length, 1e-5, "lse");
    }
}
