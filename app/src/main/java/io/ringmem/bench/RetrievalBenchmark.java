package io.ringmem.bench;

import io.ringmem.kv.BlockRescorer;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.NeedleHaystack;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.kv.TwoLevelIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ringmem bench retrieval}: does a planted needle's block rank in the top-k among many blocks, per retrieval
 * scoring ({@link NeedleHaystack}, distractor level 1), what each scoring costs per query chunk against
 * {@link RetrievalScoring#MEAN} in the same run, and how the two-level index ({@link TwoLevelIndex}) compares with the
 * flat scan. {@code exact} is the oracle: the needle query token's largest logit over every key of every block (exact
 * attention's argmax), not a scoring segment mode offers.
 *
 * <p>RESCORE's time includes regenerating the candidates' keys from the seed, standing in for fetching and decoding
 * them from the store (not measured here).
 */
public final class RetrievalBenchmark {
    /**
     * @param found          share of trials whose needle block ranked in the top-k
     * @param medianRank     median rank of the needle block (1 = first); for rescore, candidates+1 when stage 1 missed it
     * @param secondsPerChunk median seconds to rank the blocks for one query chunk (trials after the first)
     * @param ratioToMean    secondsPerChunk over MEAN's, same run
     */
    public record Row(int blocks, int summaryKeys, String scoring, int topK, int trials, double found, double medianRank,
                      double secondsPerChunk, double minSeconds, double maxSeconds, double ratioToMean) {
    }

    /**
     * The two-level index against the flat scan (MEAN scoring) on the same data.
     *
     * @param maxSegments    visit limit (segments for "all")
     * @param identical      share of trials whose top-k equals the flat scan's (ids and order)
     * @param recall         mean share of the flat top-k ids the two-level search returned
     * @param visitedShare   mean share of segments visited
     * @param flatBytes      the flat index's summary bytes (meanKeys floats)
     * @param twoLevelBytes  the in-memory level's bytes
     */
    public record TwoLevelRow(int blocks, int summaryKeys, int blocksPerSegment, int maxSegments, double identical, double recall,
                              double visitedShare, long flatBytes, long twoLevelBytes) {
    }

    /** Listener for rows as they are measured. */
    public interface Listener {
        void row(Row r);

        void twoLevel(TwoLevelRow r);
    }

    private RetrievalBenchmark() {
    }

    /**
     * @param shape (heads, kvHeads, headDim)
     */
    public static void run(long seed, List<Integer> blockCounts, List<Integer> repsList, int blockTokens, int[] shape, int topK,
                           int candidates, int trials, int blocksPerSegment, Listener out) {
        for (int n : blockCounts) {
            NeedleHaystack hay = new NeedleHaystack(seed, n, blockTokens, shape[0], shape[1], shape[2], blockTokens);
            double[] exact = new double[trials];
            int exactFound = 0;
            for (int t = 0; t < trials; t++) {
                hay.plant(t);
                exact[t] = exactRank(hay, hay.query(), shape);
                if (exact[t] <= topK) exactFound++;
            }
            out.row(new Row(n, blockTokens, "exact", topK, trials, exactFound / (double) trials, median(exact), Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN));
            for (int reps : repsList) scorings(hay, n, reps, shape, topK, candidates, trials, blocksPerSegment, out);
        }
    }

    private static void scorings(NeedleHaystack hay, int n, int reps, int[] shape, int topK, int candidates, int trials,
                                 int blocksPerSegment, Listener out) {
        hay.clear();
        BlockSummary[] clean = new BlockSummary[n];
        RetrievalIndex index = new RetrievalIndex(shape[0], shape[1], shape[2]);
        for (int b = 0; b < n; b++) index.add(clean[b] = hay.summaryOf(b, reps));
        double[][] rank = new double[4][trials], secs = new double[4][trials];
        int[] found = new int[4];
        for (int t = 0; t < trials; t++) {
            hay.plant(t);
            int nb = hay.needleBlock();
            index.remove(nb);
            index.add(hay.summaryOf(nb, reps));
            float[] q = hay.query();
            long t0 = System.nanoTime();
            rank[0][t] = rankOf(index.topK(RetrievalScoring.MEAN, q, hay.chunkTokens(), n), nb);
            long t1 = System.nanoTime();
            rank[1][t] = rankOf(index.topKTokens(q, hay.chunkTokens(), n), nb);
            long t2 = System.nanoTime();
            rank[2][t] = rescoredRank(hay, index, q, candidates, shape);
            long t3 = System.nanoTime();
            // the reference scan (one block at a time): the baseline of the interleaved scan that "mean" uses
            rank[3][t] = rankOf(index.topKOneByOne(RetrievalIndex.meanQuery(q, hay.chunkTokens(), index.queryWidth()), n), nb);
            long t4 = System.nanoTime();
            secs[0][t] = (t1 - t0) / 1e9;
            secs[1][t] = (t2 - t1) / 1e9;
            secs[2][t] = (t3 - t2) / 1e9;
            secs[3][t] = (t4 - t3) / 1e9;
            for (int s = 0; s < 4; s++) if (rank[s][t] <= topK) found[s]++;
            index.remove(nb);
            index.add(clean[nb]);
        }
        String[] names = {"mean", "token", "rescore", "mean-one-by-one"};
        double meanSec = median(tail(secs[0]));
        for (int s = 0; s < 4; s++) {
            double[] ts = tail(secs[s]);
            double med = median(ts);
            out.row(new Row(n, reps, names[s], topK, trials, found[s] / (double) trials, median(rank[s]), med,
                    Arrays.stream(ts).min().orElse(Double.NaN), Arrays.stream(ts).max().orElse(Double.NaN), med / meanSec));
        }
        twoLevel(hay, clean, index, topK, trials, blocksPerSegment, out);
    }

    private static void twoLevel(NeedleHaystack hay, BlockSummary[] clean, RetrievalIndex flat, int topK, int trials,
                                 int perSegment, Listener out) {
        int n = clean.length, segments = (n + perSegment - 1) / perSegment;
        TwoLevelIndex two = new TwoLevelIndex(flat.queryWidth() / clean[0].headDim(), clean[0].kvHeads(), clean[0].headDim());
        List<List<BlockSummary>> bySegment = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            List<BlockSummary> l = new ArrayList<>(Arrays.asList(clean).subList(s * perSegment, Math.min(n, (s + 1) * perSegment)));
            bySegment.add(l);
            two.addSegment(s, l);
        }
        long flatBytes = 4L * n * clean[0].meanKeys().length;
        for (int limit : new int[]{segments, Math.max(1, segments / 4), Math.max(1, segments / 16)}) {
            int same = 0;
            double recall = 0, visited = 0;
            for (int t = 0; t < trials; t++) {
                hay.plant(t);
                float[] q = hay.query();
                List<RetrievalIndex.Hit> want = flat.topK(RetrievalScoring.MEAN, q, hay.chunkTokens(), topK);
                TwoLevelIndex.Result got = two.topK(RetrievalScoring.MEAN, q, hay.chunkTokens(), topK, limit, bySegment::get);
                if (got.hits().equals(want)) same++;
                long hit = got.hits().stream().filter(h -> want.stream().anyMatch(w -> w.blockId() == h.blockId())).count();
                recall += want.isEmpty() ? 1 : hit / (double) want.size();
                visited += got.segmentsVisited() / (double) segments;
            }
            out.twoLevel(new TwoLevelRow(n, clean[0].reps(), perSegment, limit, same / (double) trials, recall / trials, visited / trials,
                    flatBytes, two.bytes()));
        }
    }

    /** Rank (1-based) of block nb in hits sorted best first; hits.size()+1 when absent. */
    static int rankOf(List<RetrievalIndex.Hit> hits, long nb) {
        for (int i = 0; i < hits.size(); i++) if (hits.get(i).blockId() == nb) return i + 1;
        return hits.size() + 1;
    }

    private static int rescoredRank(NeedleHaystack hay, RetrievalIndex index, float[] q, int candidates, int[] shape) {
        List<RetrievalIndex.Hit> wide = index.topKTokens(q, hay.chunkTokens(), candidates);
        List<RetrievalIndex.Hit> rescored = new ArrayList<>();
        for (RetrievalIndex.Hit h : wide) {
            float[] k = hay.keysOf((int) h.blockId());
            rescored.add(new RetrievalIndex.Hit(h.blockId(),
                    BlockRescorer.maxLogit(q, hay.chunkTokens(), shape[0], k, hay.blockTokens(), shape[1], shape[2])));
        }
        rescored.sort(RetrievalIndex::compare);
        return rankOf(rescored, hay.needleBlock());
    }

    /** Rank of the needle block by the asking token's largest logit over every key (exact attention's view). */
    private static int exactRank(NeedleHaystack hay, float[] chunk, int[] shape) {
        int w = shape[0] * shape[2];
        float[] q = Arrays.copyOfRange(chunk, hay.queryToken() * w, (hay.queryToken() + 1) * w);
        double needle = BlockRescorer.maxLogit(q, 1, shape[0], hay.keysOf(hay.needleBlock()), hay.blockTokens(),
                shape[1], shape[2]);
        int better = 0;
        for (int b = 0; b < hay.blocks(); b++) {
            if (b == hay.needleBlock()) continue;
            double s = BlockRescorer.maxLogit(q, 1, shape[0], hay.keysOf(b), hay.blockTokens(), shape[1], shape[2]);
            if (s > needle || (s == needle && b < hay.needleBlock())) better++;
        }
        return better + 1;
    }

    private static double[] tail(double[] a) {
        return a.length > 1 ? Arrays.copyOfRange(a, 1, a.length) : a;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
