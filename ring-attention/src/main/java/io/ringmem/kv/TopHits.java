package io.ringmem.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * The best {@code k} of a stream of (score, block id) offers, in {@link RetrievalIndex#compare}'s order: a binary heap
 * of parallel primitive arrays with the worst (lowest score, then highest id) on top, so an offer that does not enter
 * costs one comparison and no offer allocates (a scan offers every block of the document for every query chunk, so
 * the per-offer cost is what grows with the document). The result does not depend on the offers' order.
 */
final class TopHits {
    private final double[] score;
    private final long[] id;
    private int n;

    /**
     * @param k      hits wanted, ≥ 0
     * @param offers how many offers can come at most (the heap holds min(k, offers))
     */
    TopHits(int k, int offers) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        int m = Math.min(k, offers);
        score = new double[m];
        id = new long[m];
    }

    /** Whether no offer can enter: the heap holds nothing (k or the offers are 0). */
    boolean wantsNone() {
        return score.length == 0;
    }

    void offer(double v, long b) {
        if (n < score.length) {
            siftUp(n++, v, b);
        } else if (worse(score[0], id[0], v, b)) {
            siftDown(v, b);
        }
    }

    /** The hits kept, best first. */
    List<RetrievalIndex.Hit> hits() {
        List<RetrievalIndex.Hit> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new RetrievalIndex.Hit(id[i], score[i]));
        out.sort(RetrievalIndex::compare);
        return out;
    }

    /** Whether hit (sa, ia) ranks after hit (sb, ib) in {@link RetrievalIndex#compare}'s order. */
    private static boolean worse(double sa, long ia, double sb, long ib) {
        int c = Double.compare(sa, sb);
        return c != 0 ? c < 0 : ia > ib;
    }

    /** Inserts (v, b) at heap slot {@code i} (the heap's size before it) and moves it up past every better parent. */
    private void siftUp(int i, double v, long b) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(v, b, score[parent], id[parent])) break;
            score[i] = score[parent];
            id[i] = id[parent];
            i = parent;
        }
        score[i] = v;
        id[i] = b;
    }

    /** Replaces the heap's top (its worst) with (v, b) and moves it down past every worse child. */
    private void siftDown(double v, long b) {
        int i = 0, size = score.length;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) break;
            if (c + 1 < size && worse(score[c + 1], id[c + 1], score[c], id[c])) c++;
            if (!worse(score[c], id[c], v, b)) break;
            score[i] = score[c];
            id[i] = id[c];
            i = c;
        }
        score[i] = v;
        id[i] = b;
    }
}
