package io.ringmem.bench;

import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.KvCache;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.kv.BlockRescorer;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.model.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The share of exact attention mass the carried context of segment mode holds ({@code bench retrieval --model}):
 * one exact prefill of the document (document positions, one rank) records every layer's rotated queries and keys;
 * for sampled query positions p (in segments that have stored blocks before the window), each query head's softmax over
 * every key at positions ≤ p is split into what segment mode carries for p (sinks, previous window, p's own segment up
 * to p, and the top-k stored blocks its 64-token query chunk retrieves under a retrieval variant) and the rest.
 * Mechanism-level: the queries and keys are the exact forward's, not the ones a segment run computes from its
 * approximate context; the stored blocks are exact fp32 (no codec). Variants: {@code none} (sinks + window + own
 * segment only), retrieval scorings with R summary keys, and {@code oracle} (per query, the k stored blocks with the
 * most mass summed over heads: the upper bound of any top-k retrieval).
 */
public final class AttentionMassBenchmark {
    /** A retrieval variant: scoring (null for none or oracle), summary keys, name as printed. */
    public record Variant(String name, RetrievalScoring scoring, int summaryKeys) {
    }

    /**
     * @param layer        layer, or -1 for the mean over layers
     * @param carriedShare mean over sampled positions, query heads (and layers) of the carried share of the mass
     * @param p10          10th percentile of the per-(position, head) share
     */
    public record Row(String variant, int layer, double carriedShare, double p10, int samples, double targetFound) {
    }

    /** Segment-mode settings the measurement mirrors. */
    public record Settings(int segmentTokens, int sinkTokens, int windowTokens, int blockTokens, int topK, int candidates) {
    }

    private AttentionMassBenchmark() {
    }

    public static List<Row> run(LlamaModel model, RunConfig run, int[] ids, Settings s, List<Variant> variants, int samples,
                                long seed) {
        int first = 2 * s.segmentTokens(); // a position from here on has stored blocks before its window
        if (ids.length <= first) throw new IllegalArgumentException("the document needs more than " + first + " tokens for stored blocks");
        return run(model, run, ids, s, variants, new SplittableRandom(seed).ints(samples, first, ids.length).sorted().toArray(), null);
    }

    /**
     * At the given query positions (ascending); with {@code targets} (one token position per query, or null), each row
     * also says how often the block holding the target was carried.
     */
    public static List<Row> run(LlamaModel model, RunConfig run, int[] ids, Settings s, List<Variant> variants, int[] pos,
                                int[] targets) {
        ModelConfig c = model.config();
        int layers = c.layers(), heads = c.heads(), kvHeads = c.kvHeads(), d = c.headDim(), n = ids.length;
        float[][] queries = new float[layers][];
        ExtraContext recorder = (rank, layer, q, qPos, nq) -> {
            queries[layer] = Arrays.copyOf(q, nq * heads * d);
            return List.of();
        };
        PrefillResult r = new SequenceParallelPrefill(model, run.withRanks(1))
                .run(ids, 0, recorder, p -> false, (p, l, o) -> { }, x -> { });
        KvCache cache = r.caches().getFirst();
        for (int j = 0; j < n; j++) if (cache.positions()[j] != j) throw new IllegalStateException("one rank's cache is not in order");
        int samples = pos.length;
        List<Row> rows = new ArrayList<>();
        double[][][] shares = new double[variants.size()][layers][];
        int[][] found = new int[variants.size()][layers];
        for (int l = 0; l < layers; l++) {
            float[] k = cache.keys(l), q = queries[l];
            for (int v = 0; v < variants.size(); v++) shares[v][l] = new double[samples * heads];
            for (int i = 0; i < samples; i++) {
                int p = pos[i], segStart = p / s.segmentTokens() * s.segmentTokens();
                int chunk0 = segStart + (p - segStart) / s.blockTokens() * s.blockTokens();
                int chunk1 = Math.min(Math.min(n, segStart + s.segmentTokens()), chunk0 + s.blockTokens());
                float[] chunkQ = Arrays.copyOfRange(q, chunk0 * heads * d, chunk1 * heads * d);
                int stored = segStart / s.blockTokens();
                double[][] mass = new double[heads][]; // per head, softmax over keys 0..p
                for (int h = 0; h < heads; h++) mass[h] = softmax(q, p, h, k, heads, kvHeads, d);
                for (int v = 0; v < variants.size(); v++) {
                    List<Long> chosen = chosen(variants.get(v), l, k, stored, chunkQ, chunk1 - chunk0, mass, c, s);
                    boolean[] carried = new boolean[p + 1];
                    for (int j = 0; j < Math.min(s.sinkTokens(), p + 1); j++) carried[j] = true;
                    for (int j = Math.max(0, segStart - s.windowTokens()); j <= p; j++) carried[j] = true;
                    for (long b : chosen) for (int j = (int) b * s.blockTokens(); j < (b + 1) * s.blockTokens(); j++) carried[j] = true;
                    if (targets != null && targets[i] <= p && carried[targets[i]]) found[v][l]++;
                    for (int h = 0; h < heads; h++) {
                        double m = 0;
                        for (int j = 0; j <= p; j++) if (carried[j]) m += mass[h][j];
                        shares[v][l][i * heads + h] = m;
                    }
                }
            }
        }
        for (int v = 0; v < variants.size(); v++) {
            double[] all = new double[0];
            for (int l = 0; l < layers; l++) {
                double f = targets == null ? Double.NaN : found[v][l] / (double) samples;
                rows.add(row(variants.get(v).name(), l, shares[v][l], samples, f));
                double[] grown = Arrays.copyOf(all, all.length + shares[v][l].length);
                System.arraycopy(shares[v][l], 0, grown, all.length, shares[v][l].length);
                all = grown;
            }
            double any = Double.NaN;
            if (targets != null) {
                any = 0;
                for (int l = 0; l < layers; l++) any = Math.max(any, found[v][l] / (double) samples);
            }
            rows.add(row(variants.get(v).name(), -1, all, samples, any));
        }
        return rows;
    }

    private static Row row(String name, int layer, double[] share, int samples, double targetFound) {
        double[] sorted = share.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(share).average().orElse(Double.NaN);
        return new Row(name, layer, mean, sorted[(int) (0.1 * (sorted.length - 1))], samples, targetFound);
    }

    /** The stored blocks (ids = block index) the variant retrieves for one chunk. */
    private static List<Long> chosen(Variant v, int layer, float[] k, int stored, float[] chunkQ, int nq, double[][] mass,
                                     ModelConfig c, Settings s) {
        int bt = s.blockTokens(), w = c.kvHeads() * c.headDim();
        if (v.name().equals("none") || stored == 0) return List.of();
        if (v.scoring() == null) { // oracle: most mass summed over heads
            double[] per = new double[stored];
            for (double[] m : mass) for (int b = 0; b < stored; b++) for (int j = b * bt; j < (b + 1) * bt; j++) per[b] += m[j];
            Integer[] order = new Integer[stored];
            for (int b = 0; b < stored; b++) order[b] = b;
            Arrays.sort(order, (a, b) -> Double.compare(per[b], per[a]));
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < Math.min(s.topK(), stored); i++) out.add((long) order[i]);
            return out;
        }
        RetrievalIndex index = new RetrievalIndex(c.heads(), c.kvHeads(), c.headDim());
        for (int b = 0; b < stored; b++) {
            float[] keys = Arrays.copyOfRange(k, b * bt * w, (b + 1) * bt * w);
            index.add(BlockSummary.of(b, keys, bt, c.kvHeads(), c.headDim(), v.summaryKeys()));
        }
        List<RetrievalIndex.Hit> hits;
        if (v.scoring() != RetrievalScoring.RESCORE) hits = index.topK(v.scoring(), chunkQ, nq, s.topK());
        else {
            hits = new ArrayList<>();
            for (RetrievalIndex.Hit h : index.topKTokens(chunkQ, nq, s.candidates())) {
                int b = (int) h.blockId();
                hits.add(new RetrievalIndex.Hit(b, BlockRescorer.maxLogit(chunkQ, nq, c.heads(),
                        Arrays.copyOfRange(k, b * bt * w, (b + 1) * bt * w), bt, c.kvHeads(), c.headDim())));
            }
            hits.sort(RetrievalIndex::compare);
            hits = hits.subList(0, Math.min(s.topK(), hits.size()));
        }
        return hits.stream().map(RetrievalIndex.Hit::blockId).toList();
    }

    /** Softmax over keys 0..p of query head h at position p (scale 1/√d), in double. */
    private static double[] softmax(float[] q, int p, int h, float[] k, int heads, int kvHeads, int d) {
        int g = h / (heads / kvHeads), qo = (p * heads + h) * d;
        double[] out = new double[p + 1];
        double max = Double.NEGATIVE_INFINITY, scale = 1 / Math.sqrt(d);
        for (int j = 0; j <= p; j++) {
            int ko = (j * kvHeads + g) * d;
            double dot = 0;
            for (int c = 0; c < d; c++) dot += (double) q[qo + c] * k[ko + c];
            out[j] = dot * scale;
            max = Math.max(max, out[j]);
        }
        double sum = 0;
        for (int j = 0; j <= p; j++) sum += out[j] = Math.exp(out[j] - max);
        for (int j = 0; j <= p; j++) out[j] /= sum;
        return out;
    }
}
