package io.ringmem.kv;

/** The oracle: attention with the whole score matrix in double, no blocks or merges. */
final class NaiveKvAttention {
    private NaiveKvAttention() {
    }

    /**
     * q (nq, heads, d); k, v (nk, kvHeads, d); writes out (nq, heads, d) and lse (nq, heads). Rows that see no key
     * get 0 and -∞.
     */
    static void attend(float[] q, int[] qPos, int nq, float[] k, float[] v, int[] kPos, int nk, int heads, int kvHeads,
                       int d, boolean causal, float[] out, float[] lse) {
        int group = heads / kvHeads;
        double scale = 1.0 / Math.sqrt(d);
        for (int i = 0; i < nq; i++) {
            for (int h = 0; h < heads; h++) {
                int kh = h / group;
                double[] s = new double[nk];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nk; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double) q[(i * heads + h) * d + c] * k[(j * kvHeads + kh) * d + c];
                    s[j] = causal && kPos[j] > qPos[i] ? Double.NEGATIVE_INFINITY : dot * scale;
                    max = Math.max(max, s[j]);
                }
                int row = i * heads + h;
                if (max == Double.NEGATIVE_INFINITY) {
                    for (int c = 0; c < d; c++) out[row * d + c] = 0;
                    lse[row] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                double sum = 0;
                double[] acc = new double[d];
                for (int j = 0; j < nk; j++) {
                    double p = Math.exp(s[j] - max);
                    sum += p;
                    for (int c = 0; c < d; c++) acc[c] += p * v[(j * kvHeads + kh) * d + c];
                }
                for (int c = 0; c < d; c++) out[row * d + c] = (float) (acc[c] / sum);
                lse[row] = (float) (max + Math.log(sum));
            }
        }
    }
}
