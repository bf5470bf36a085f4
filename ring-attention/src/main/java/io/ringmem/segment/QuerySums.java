package io.ringmem.segment;

import java.io.Serializable;
import java.util.List;

/**
 * Per layer, the sum of the query rows a segment's ranks (or one rank) attended with, and how many rows: what token
 * selection ({@link TokenScores}) needs from the ring pass. A rank's sums travel in its shard result so the
 * finalizing worker selects exactly as the in-process scorer does; totals over ranks are always summed in rank
 * order ({@link #total}), so both sum in the same order.
 *
 * <p>Not thread-safe: one rank's thread adds to its own instance.
 */
public final class QuerySums implements Serializable {
    private final double[][] sums; // [layer] (heads * headDim)
    private final long[] counts;   // [layer]

    public QuerySums(int layers, int width) {
        this.sums = new double[layers][width];
        this.counts = new long[layers];
    }

    /** Sums as stored elsewhere ({@link #sums()}, {@link #counts()}); the arrays are copied. */
    public static QuerySums of(double[][] sums, long[] counts) {
        if (sums.length == 0 || sums.length != counts.length) {
            throw new IllegalArgumentException("query sums need one row and one count per layer, got " + sums.length
                    + " rows and " + counts.length + " counts");
        }
        QuerySums out = new QuerySums(sums.length, sums[0].length);
        for (int l = 0; l < sums.length; l++) {
            if (sums[l].length != sums[0].length) throw new IllegalArgumentException("query sums rows differ in width");
            System.arraycopy(sums[l], 0, out.sums[l], 0, sums[l].length);
        }
        System.arraycopy(counts, 0, out.counts, 0, counts.length);
        return out;
    }

    /** (layers, width) a copy of the sums. */
    public double[][] sums() {
        double[][] out = new double[sums.length][];
        for (int l = 0; l < sums.length; l++) out[l] = sums[l].clone();
        return out;
    }

    /** (layers) a copy of the row counts. */
    public long[] counts() {
        return counts.clone();
    }

    /** Adds {@code nq} query rows {@code q} (nq, width) of {@code layer}. */
    public void add(int layer, float[] q, int nq) {
        double[] s = sums[layer];
        int w = s.length;
        double[] local = new double[w];
        for (int t = 0; t < nq; t++) for (int c = 0; c < w; c++) local[c] += q[t * w + c];
        for (int c = 0; c < w; c++) s[c] += local[c];
        counts[layer] += nq;
    }

    /** The sums of {@code parts} added in list order (rank order). */
    public static QuerySums total(List<QuerySums> parts) {
        QuerySums first = parts.getFirst();
        QuerySums out = new QuerySums(first.sums.length, first.sums[0].length);
        for (QuerySums p : parts) {
            if (p.sums.length != out.sums.length || p.sums[0].length != out.sums[0].length) {
                throw new IllegalArgumentException("query sums of different shapes");
            }
            for (int l = 0; l < out.sums.length; l++) {
                for (int c = 0; c < out.sums[l].length; c++) out.sums[l][c] += p.sums[l][c];
                out.counts[l] += p.counts[l];
            }
        }
        return out;
    }

    /** (width) the mean query row of {@code layer}: zeros when none was added. */
    double[] mean(int layer) {
        double[] out = sums[layer].clone();
        double inv = counts[layer] == 0 ? 0 : 1.0 / counts[layer];
        for (int c = 0; c < out.length; c++) out[c] *= inv;
        return out;
    }
}
