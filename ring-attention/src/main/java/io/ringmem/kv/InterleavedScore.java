package io.ringmem.kv;

import java.util.List;

/**
 * {@link RetrievalIndex#score} for four single-representative summaries at once. Each block's arithmetic is exactly
 * the reference's: per KV group g and query head h, {@code dot = Σ_c (double) q[h, c] * s_g[c]} in c order, the max
 * over the group's heads in h order, the sum over groups in g order; only the four blocks' chains are interleaved,
 * so the results are bit-identical to four calls of {@link RetrievalIndex#score} (RetrievalIndexTest checks it).
 *
 * <p>Why: a flat scan scores every block of the document for every query chunk, and one block's score is a chain of
 * dependent double adds (headDim long per head) that leaves the FPU waiting on each add's latency; four independent
 * chains fill it. Not vectorized across c: that would change the summation order and so the bits.
 */
final class InterleavedScore {
    private InterleavedScore() {
    }

    /** Whether blocks i..i+3 exist and each has one representative (the case {@link #four} handles). */
    static boolean fits(List<BlockSummary> blocks, int i) {
        if (i + 4 > blocks.size()) return false;
        for (int j = i; j < i + 4; j++) if (blocks.get(j).reps() != 1) return false;
        return true;
    }

    /**
     * Scores blocks i..i+3 into out[0..3].
     *
     * @param q (heads, headDim) query
     */
    static void four(float[] q, List<BlockSummary> blocks, int i, int heads, int kvHeads, int headDim, double[] out) {
        float[] m0 = blocks.get(i).meanKeys(), m1 = blocks.get(i + 1).meanKeys();
        float[] m2 = blocks.get(i + 2).meanKeys(), m3 = blocks.get(i + 3).meanKeys(); // each (kvHeads, headDim)
        int group = heads / kvHeads;
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (int g = 0; g < kvHeads; g++) {
            double b0 = Double.NEGATIVE_INFINITY, b1 = b0, b2 = b0, b3 = b0;
            int o = g * headDim;
            for (int h = g * group; h < (g + 1) * group; h++) {
                int qo = h * headDim;
                double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
                for (int c = 0; c < headDim; c++) {
                    double qc = q[qo + c];
                    d0 += qc * m0[o + c];
                    d1 += qc * m1[o + c];
                    d2 += qc * m2[o + c];
                    d3 += qc * m3[o + c];
                }
                b0 = Math.max(b0, d0);
                b1 = Math.max(b1, d1);
                b2 = Math.max(b2, d2);
                b3 = Math.max(b3, d3);
            }
            t0 += b0;
            t1 += b1;
            t2 += b2;
            t3 += b3;
        }
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }
}
