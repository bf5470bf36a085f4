package io.ringmem.ring;

/**
 * The oracle: full attention with the whole score matrix materialized, in double precision, written without
 * blocks, online softmax or merges.
 */
final class NaiveAttention {
    private NaiveAttention() {
    }

    /** q (n, heads, d); k, v (n, kvHeads, d); positions 0..n-1; returns (n, heads, d). Rows seeing nothing are 0. */
    static float[] attend(float[] q, float[] k, float[] v, int n, int heads, int kvHeads, int d, boolean causal) {
        float[] out = new float[n * heads * d];
        int group = heads / kvHeads;
        double scale = 1.0 / Math.sqrt(d);
        for (int h = 0; h < heads; h++) {
            int kh = h / group;
            double[][] s = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double) q[(i * heads + h) * d + c] * k[(j * kvHeads + kh) * d + c];
                    s[i][j] = causal && j > i ? Double.NEGATIVE_INFINITY : dot * scale;
                }
            }
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) max = Math.max(max, s[i][j]);
                double sum = 0;
                double[] p = new double[n];
                for (int j = 0; j < n; j++) {
                    p[j] = Math.exp(s[i][j] - max);
                    sum += p[j];
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) acc += p[j] * v[(j * kvHeads + kh) * d + c];
                    out[(i * heads + h) * d + c] = (float) (acc / sum);
                }
            }
        }
        return out;
    }
}
