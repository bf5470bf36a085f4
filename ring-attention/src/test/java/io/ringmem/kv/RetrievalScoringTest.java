package io.ringmem.kv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token scoring, representative keys and the exact-key rescoring against independent brute force. */
class RetrievalScoringTest {
    static final int HEADS = 8, KV_HEADS = 2, D = 16, GROUP = HEADS / KV_HEADS;

    /** Independent: per query token and head, the best representative's dot; max within groups; sum; max over tokens. */
    static double naiveTokenScore(float[] q, int nq, float[] reps, int r) {
        double best = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < nq; t++) {
            double total = 0;
            for (int g = 0; g < KV_HEADS; g++) {
                double b = Double.NEGATIVE_INFINITY;
                for (int h = g * GROUP; h < (g + 1) * GROUP; h++) {
                    for (int i = 0; i < r; i++) {
                        double dot = 0;
                        for (int c = 0; c < D; c++) dot += (double) q[(t * HEADS + h) * D + c] * reps[(i * KV_HEADS + g) * D + c];
                        b = Math.max(b, dot);
                    }
                }
                total += b;
            }
            best = Math.max(best, total);
        }
        return best;
    }

    @Test
    void tokenScoringMatchesBruteForceWithSeveralKeysPerBlock() {
        Random rnd = new Random(91);
        for (int reps : new int[]{1, 3, 8}) {
            RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D);
            List<BlockSummary> all = new ArrayList<>();
            for (long id = 0; id < 50; id++) {
                int n = 8 + rnd.nextInt(30);
                BlockSummary s = BlockSummary.of(id * 7 - 20, KvTestData.gaussian(rnd, n * KV_HEADS * D), n, KV_HEADS, D, reps);
                assertEquals(reps, s.reps());
                all.add(s);
                index.add(s);
            }
            int nq = 6;
            float[] q = KvTestData.gaussian(rnd, nq * HEADS * D);
            List<BlockSummary> sorted = new ArrayList<>(all);
            sorted.sort(Comparator.<BlockSummary>comparingDouble(s -> -naiveTokenScore(q, nq, s.meanKeys(), s.reps()))
                    .thenComparingLong(BlockSummary::blockId));
            List<RetrievalIndex.Hit> hits = index.topKTokens(q, nq, 5);
            assertEquals(sorted.subList(0, 5).stream().map(BlockSummary::blockId).toList(),
                    hits.stream().map(RetrievalIndex.Hit::blockId).toList(), "reps=" + reps);
            for (int i = 0; i < 5; i++) {
                BlockSummary s = sorted.get(i);
                assertEquals(naiveTokenScore(q, nq, s.meanKeys(), s.reps()), hits.get(i).score(), 1e-9);
            }
            // one query token: token scoring is the single-query scoring
            float[] one = KvTestData.gaussian(rnd, HEADS * D);
            assertEquals(index.topK(one, 7), index.topKTokens(one, 1, 7));
        }
    }

    @Test
    void representativesAreMeansOfContiguousRuns() {
        // 5 tokens, 1 KV head, dim 1: keys 1, 2, 3, 4, 10; 2 representatives: runs [0, 3) and [3, 5)
        BlockSummary s = BlockSummary.of(9, new float[]{1, 2, 3, 4, 10}, 5, 1, 1, 2);
        assertEquals(2, s.reps());
        assertEquals(2.0f, s.meanKeys()[0]);
        assertEquals(7.0f, s.meanKeys()[1]);
        // more representatives than tokens: one per token
        assertEquals(5, BlockSummary.of(9, new float[]{1, 2, 3, 4, 10}, 5, 1, 1, 64).reps());
        assertEquals(4.0f, BlockSummary.of(9, new float[]{1, 2, 3, 4, 10}, 5, 1, 1).meanKeys()[0]);
        assertThrows(IllegalArgumentException.class, () -> BlockSummary.of(9, new float[]{1}, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockSummary(1, 2, 2, new float[6]));
    }

    @Test
    void maxLogitIsTheLargestQueryKeyDot() {
        // 2 query heads reading 1 KV head, dim 2; 2 query tokens, 3 keys
        float[] q = {1, 0, /* h1 */ 0, 2, /* t1 h0 */ -1, -1, /* t1 h1 */ 0.5f, 0};
        float[] k = {3, 1, /* j1 */ 0, 4, /* j2 */ -2, -2};
        // dots: t0h0: 3, 0, -2; t0h1: 2, 8, -4; t1h0: -4, -4, 4; t1h1: 1.5, 0, -1 → 8
        assertEquals(8.0, BlockRescorer.maxLogit(q, 2, 2, k, 3, 1, 2), 0);
        // GQA: 2 KV heads, heads 0 and 1 read KV head 0 and 1 respectively
        float[] k2 = {1, 0, /* head 1 */ 0, 1};
        assertEquals(2.0, BlockRescorer.maxLogit(new float[]{1, 0, 0, 2}, 1, 2, k2, 1, 2, 2), 0);
        assertEquals(Double.NEGATIVE_INFINITY, BlockRescorer.maxLogit(q, 0, 2, k, 3, 1, 2));
    }

    /** The needle test: among 4,096 blocks (256K tokens), planted as in bench retrieval. */
    @Test
    void rescoringWithSeveralKeysFindsTheNeedleWhereMeanKeysDoNot() {
        int blocks = 4096, trials = 6, topK = 4, candidates = 32, heads = 2, kvHeads = 1, d = 128;
        NeedleHaystack hay = new NeedleHaystack(5, blocks, 64, heads, kvHeads, d, 64);
        int meanFound = 0, rescoreFound = 0;
        for (int reps : new int[]{1, 16}) {
            hay.clear();
            RetrievalIndex index = new RetrievalIndex(heads, kvHeads, d);
            BlockSummary[] clean = new BlockSummary[blocks];
            for (int b = 0; b < blocks; b++) index.add(clean[b] = hay.summaryOf(b, reps));
            for (int t = 0; t < trials; t++) {
                hay.plant(t);
                int nb = hay.needleBlock();
                index.remove(nb);
                index.add(hay.summaryOf(nb, reps));
                if (reps == 1) {
                    if (ids(index.topKMean(hay.query(), 64, topK)).contains((long) nb)) meanFound++;
                } else {
                    List<RetrievalIndex.Hit> rescored = new ArrayList<>();
                    for (RetrievalIndex.Hit h : index.topKTokens(hay.query(), 64, candidates)) {
                        rescored.add(new RetrievalIndex.Hit(h.blockId(),
                                BlockRescorer.maxLogit(hay.query(), 64, heads, hay.keysOf((int) h.blockId()), 64, kvHeads, d)));
                    }
                    rescored.sort(RetrievalIndex::compare);
                    if (ids(rescored.subList(0, topK)).contains((long) nb)) rescoreFound++;
                }
                index.remove(nb);
                index.add(clean[nb]);
            }
        }
        assertTrue(meanFound <= 1, "mean keys found " + meanFound + " of " + trials);
        assertTrue(rescoreFound >= trials - 1, "rescoring found " + rescoreFound + " of " + trials);
    }

    private static List<Long> ids(List<RetrievalIndex.Hit> hits) {
        return hits.stream().map(RetrievalIndex.Hit::blockId).toList();
    }
}
