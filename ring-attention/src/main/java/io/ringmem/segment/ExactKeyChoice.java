package io.ringmem.segment;

import io.ringmem.kv.DecodedKv;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The last-layer block choice of {@link io.ringmem.kv.RetrievalScoring#LAST_EXACT}: every query token ranks every
 * stored block of the layer by the block's exact (decoded) keys and keeps its own top-k.
 *
 * <p>Score, exactly: with {@code group = heads / kvHeads}, for query token t and block b with decoded keys
 * {@code k_j} (j over the block's tokens, every one of them, also those sinks or the window carry),
 * <pre>
 *   score(t, b) = Σ_{g &lt; kvHeads} max_{h : h / group = g} max_j q_{t,h} · k_{j,g}
 * </pre>
 * accumulated in double without the 1/√headDim scale: the {@link RetrievalIndex} score with every key its own
 * representative. Order: score descending, then block id ascending ({@link RetrievalIndex#compare}). No per-chunk cap:
 * each token keeps exactly its own top-k, so a token's choice does not depend on the other tokens passed with it.
 *
 * <p>Cost: every stored key of the layer is fetched and decoded once per call (in batches of {@value #BATCH}
 * blocks) and dotted with every query token: O(nq × stored tokens × heads × headDim). Meant for the few scored
 * positions of a job (the forward pass asks only for those in the last layer, {@link
 * io.ringmem.forward.ExtraContext#rowsIndependent}). Not guaranteed: that the chosen blocks hold the most attention
 * mass (the largest logit is a proxy for it).
 */
final class ExactKeyChoice {
    static final int BATCH = 512;

    private ExactKeyChoice() {
    }

    /**
     * @param q     (nq, heads, headDim) queries as retrieval scores them (rotated for their document positions)
     * @param ids   the stored blocks of the layer to rank
     * @return per query token, the ids (ascending) of its top-k blocks
     */
    static List<List<Long>> choose(KvBlockStore store, int layer, List<Long> ids, float[] q, int nq, int heads, int k) {
        List<PriorityQueue<RetrievalIndex.Hit>> best = new ArrayList<>(nq);
        for (int t = 0; t < nq; t++) best.add(new PriorityQueue<>(Math.max(1, k), (a, b) -> -RetrievalIndex.compare(a, b)));
        for (int from = 0; from < ids.size() && k > 0; from += BATCH) {
            for (KvBlockStore.StoredKvBlock b : store.getAll(layer, ids.subList(from, Math.min(ids.size(), from + BATCH)))) {
                DecodedKv kv = KvCodecs.decode(b.encoded());
                for (int t = 0; t < nq; t++) {
                    RetrievalIndex.Hit h = new RetrievalIndex.Hit(b.blockId(), score(q, t, heads, kv));
                    PriorityQueue<RetrievalIndex.Hit> heap = best.get(t);
                    if (heap.size() < k) heap.add(h);
                    else if (RetrievalIndex.compare(h, heap.peek()) < 0) {
                        heap.poll();
                        heap.add(h);
                    }
                }
            }
        }
        List<List<Long>> out = new ArrayList<>(nq);
        for (PriorityQueue<RetrievalIndex.Hit> heap : best) {
            List<Long> chosen = new ArrayList<>(heap.size());
            for (RetrievalIndex.Hit h : heap) chosen.add(h.blockId());
            Collections.sort(chosen);
            out.add(chosen);
        }
        return out;
    }

    /** score(t, block) of the class comment. */
    static double score(float[] q, int t, int heads, DecodedKv kv) {
        int kvHeads = kv.kvHeads(), d = kv.headDim(), group = heads / kvHeads, kw = kvHeads * d, qo = t * heads * d;
        float[] k = kv.k();
        double total = 0;
        for (int g = 0; g < kvHeads; g++) {
            double bestG = Double.NEGATIVE_INFINITY;
            for (int h = g * group; h < (g + 1) * group; h++) {
                int qh = qo + h * d;
                for (int j = 0; j < kv.n(); j++) {
                    int ko = j * kw + g * d;
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double) q[qh + c] * k[ko + c];
                    if (dot > bestG) bestG = dot;
                }
            }
            total += bestG;
        }
        return total;
    }
}
