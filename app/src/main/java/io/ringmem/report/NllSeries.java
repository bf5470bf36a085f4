package io.ringmem.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * One document's per-token negative log-likelihood, for {@link NllPlot}.
 *
 * @param documentId    the document's id or title, shown in the plot title (any text, may be empty)
 * @param nll           NLL in nats per token position (index = position); NaN or infinite entries are skipped
 *                      (not plotted, not counted in the mean)
 * @param segmentStarts token positions where segments start (for example {@code {0}}, or empty); stored sorted
 *                      without duplicates
 * @throws IllegalArgumentException when a segment start is negative or not below the number of tokens
 */
public record NllSeries(String documentId, double[] nll, int[] segmentStarts) {
    public NllSeries {
        Objects.requireNonNull(documentId, "documentId");
        nll = Objects.requireNonNull(nll, "nll").clone();
        segmentStarts = Arrays.stream(Objects.requireNonNull(segmentStarts, "segmentStarts")).sorted().distinct().toArray();
        for (int s : segmentStarts) {
            if (s < 0 || s >= Math.max(1, nll.length)) {
                throw new IllegalArgumentException("segment start " + s + " is outside the " + nll.length + " tokens");
            }
        }
    }

    /** A series without segment marks. */
    public NllSeries(String documentId, double[] nll) {
        this(documentId, nll, new int[0]);
    }

    /** A copy of the values. */
    @Override
    public double[] nll() {
        return nll.clone();
    }

    /** A copy of the (sorted, distinct) segment starts. */
    @Override
    public int[] segmentStarts() {
        return segmentStarts.clone();
    }

    /** The number of token positions, finite or not. */
    public int length() {
        return nll.length;
    }

    /** The value at {@code position} (may be NaN). */
    public double at(int position) {
        return nll[position];
    }

    /** How many values are finite. */
    public int finiteCount() {
        int c = 0;
        for (double v : nll) if (Double.isFinite(v)) c++;
        return c;
    }

    /** The mean of the finite values, or NaN when there are none. */
    public double meanNll() {
        double sum = 0;
        int c = 0;
        for (double v : nll) {
            if (Double.isFinite(v)) {
                sum += v;
                c++;
            }
        }
        return c == 0 ? Double.NaN : sum / c;
    }

    /** {@code exp(meanNll())}: NaN when there are no finite values. */
    public double perplexity() {
        return Math.exp(meanNll());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NllSeries s && documentId.equals(s.documentId) && Arrays.equals(nll, s.nll)
                && Arrays.equals(segmentStarts, s.segmentStarts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(documentId, Arrays.hashCode(nll), Arrays.hashCode(segmentStarts));
    }

    @Override
    public String toString() {
        return "NllSeries[" + documentId + ", " + nll.length + " tokens, " + segmentStarts.length + " segments]";
    }
}
