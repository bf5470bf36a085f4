package io.ringmem.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Time left for a segment job whose per-segment cost grows with the document (retrieval scans every stored block
 * summary, so segment s costs about {@code a + b·s}: docs/benchmarks.md, "Ten million tokens, int4: the run").
 *
 * <p>From the seconds the job has run at each observed count of finished segments: the mean cost over the first
 * {@code d} segments is {@code A = a + b·d/2} and, from the last observation {@code h ≤ d/2} on, {@code R = a + b(h + d)/2},
 * so {@code b = 2(R − A)/h}; the remaining {@code n = total − d} segments then take {@code n·(a + b·d) + b·n²/2}. With
 * no growth (b ≤ 0 is taken as 0) that is the constant-rate estimate {@code n·A}.
 *
 * <p>Not guaranteed: the estimate is only as linear as the job; contention that changes during the run moves it
 * (it assumes the machine's share of the job stays what it was over the second half).
 */
final class GrowingEta {
    /** (segments finished, seconds since submission), in the order observed; segments non-decreasing. */
    private final List<double[]> seen = new ArrayList<>();

    /**
     * Records that {@code done} segments had finished after {@code seconds}. A count below an earlier one (a segment
     * redone after a failure) drops the observations above it.
     */
    void observe(int done, double seconds) {
        if (done < 0 || !(seconds >= 0)) throw new IllegalArgumentException("done " + done + ", seconds " + seconds);
        while (!seen.isEmpty() && seen.getLast()[0] > done) seen.removeLast();
        seen.add(new double[]{done, seconds});
    }

    /** Seconds left for {@code total} segments after the latest observation; NaN before any segment finished. */
    double secondsLeft(int total) {
        if (seen.isEmpty() || seen.getLast()[0] <= 0) return Double.NaN;
        double d = seen.getLast()[0], t = seen.getLast()[1], n = Math.max(0, total - d);
        double mean = t / d, slope = 0;
        double[] half = atOrBefore(d / 2);
        if (half != null && half[0] > 0 && d - half[0] >= 2) {
            double since = (t - half[1]) / (d - half[0]);
            slope = Math.max(0, 2 * (since - mean) / half[0]);
        }
        double now = mean + slope * d / 2; // a + b·d
        return n * now + slope * n * n / 2;
    }

    /** The last observation with at most {@code segments} done, or null. */
    private double[] atOrBefore(double segments) {
        int lo = 0, hi = seen.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (seen.get(mid)[0] <= segments) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : seen.get(found);
    }
}
