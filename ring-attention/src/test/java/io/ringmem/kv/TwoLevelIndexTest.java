package io.ringmem.kv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-level index against the flat scan (the oracle) on seeded data. */
class TwoLevelIndexTest {
    static final int HEADS = 8, KV_HEADS = 2, D = 16;

    private record Data(RetrievalIndex flat, TwoLevelIndex two, List<List<BlockSummary>> bySegment) {
    }

    /** Keys with a per-segment offset (segments differ, as real documents' do) plus noise. */
    private static Data data(long seed, int segments, int perSegment, int reps, double offset) {
        Random rnd = new Random(seed);
        RetrievalIndex flat = new RetrievalIndex(HEADS, KV_HEADS, D);
        TwoLevelIndex two = new TwoLevelIndex(HEADS, KV_HEADS, D);
        List<List<BlockSummary>> bySegment = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            float[] shift = KvTestData.gaussian(rnd, KV_HEADS * D);
            List<BlockSummary> blocks = new ArrayList<>();
            for (int b = 0; b < perSegment; b++) {
                int n = 16;
                float[] k = KvTestData.gaussian(rnd, n * KV_HEADS * D);
                for (int i = 0; i < k.length; i++) k[i] += (float) (offset * shift[i % shift.length]);
                BlockSummary sum = BlockSummary.of(((long) s << 32) | b, k, n, KV_HEADS, D, reps);
                blocks.add(sum);
                flat.add(sum);
            }
            bySegment.add(blocks);
            two.addSegment(s, blocks);
        }
        return new Data(flat, two, bySegment);
    }

    @Test
    void exhaustiveSearchEqualsTheFlatScan() {
        for (int reps : new int[]{1, 4}) {
            for (double offset : new double[]{0, 3}) {
                Data d = data(11 + reps, 40, 12, reps, offset);
                Random rnd = new Random(12);
                int visitedTotal = 0;
                for (int trial = 0; trial < 15; trial++) {
                    int nq = 1 + rnd.nextInt(8);
                    float[] q = KvTestData.gaussian(rnd, nq * HEADS * D);
                    for (RetrievalScoring scoring : new RetrievalScoring[]{RetrievalScoring.MEAN, RetrievalScoring.TOKEN}) {
                        for (int k : new int[]{1, 4, 13, 480, 500}) {
                            TwoLevelIndex.Result got = d.two().topK(scoring, q, nq, k, Integer.MAX_VALUE, d.bySegment()::get);
                            assertEquals(d.flat().topK(scoring, q, nq, k), got.hits(), scoring + " k=" + k + " offset=" + offset);
                            assertTrue(got.exhaustive());
                            if (k == 4) visitedTotal += got.segmentsVisited();
                        }
                    }
                }
                // with segments that differ (offset 3) the bound prunes: fewer than all 40 segments per search
                if (offset > 0) assertTrue(visitedTotal < 30 * 40, "visited " + visitedTotal + " of " + 30 * 40);
            }
        }
    }

    @Test
    void limitedSearchIsApproximateAndSaysSo() {
        Data d = data(21, 64, 8, 1, 0);
        Random rnd = new Random(22);
        double recall = 0;
        int trials = 20;
        for (int trial = 0; trial < trials; trial++) {
            float[] q = KvTestData.gaussian(rnd, HEADS * D);
            List<RetrievalIndex.Hit> want = d.flat().topK(q, 4);
            TwoLevelIndex.Result got = d.two().topK(RetrievalScoring.MEAN, q, 1, 4, 8, d.bySegment()::get);
            assertEquals(8, got.segmentsVisited());
            assertFalse(got.exhaustive());
            for (RetrievalIndex.Hit h : got.hits()) if (want.contains(h)) recall += 0.25;
        }
        // the bound orders the segments: 8 of 64 segments visited still finds far more than 8/64 of the flat top-k
        assertTrue(recall / trials > 0.3, "recall " + recall / trials);
    }

    @Test
    void memoryGrowsWithSegments() {
        Data d = data(31, 10, 32, 1, 0);
        assertEquals(10, d.two().segments());
        assertEquals(10 * (8L * KV_HEADS * D + 8), d.two().bytes());
        assertThrows(IllegalArgumentException.class, () -> d.two().addSegment(3, d.bySegment().get(3)));
        assertThrows(IllegalArgumentException.class, () -> d.two().addSegment(99, List.of()));
        assertEquals(List.of(), d.two().topK(RetrievalScoring.MEAN, new float[HEADS * D], 1, 0, 5, d.bySegment()::get).hits());
    }
}
