package io.ringmem.kv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TwoLevelRanker} against the flat {@link RetrievalIndex} (the oracle) through every {@link BlockRanker} method. */
class TwoLevelRankerTest {
    private static final int HEADS = 4, KV_HEADS = 2, D = 8, SEGMENTS = 12, PER_SEGMENT = 6;

    private record Data(RetrievalIndex flat, TwoLevelIndex two, List<List<BlockSummary>> bySegment) {
    }

    private static Data data(long seed) {
        Random rnd = new Random(seed);
        RetrievalIndex flat = new RetrievalIndex(HEADS, KV_HEADS, D);
        TwoLevelIndex two = new TwoLevelIndex(HEADS, KV_HEADS, D);
        List<List<BlockSummary>> bySegment = new ArrayList<>();
        for (int s = 0; s < SEGMENTS; s++) {
            float[] shift = KvTestData.gaussian(rnd, KV_HEADS * D);
            List<BlockSummary> blocks = new ArrayList<>();
            for (int b = 0; b < PER_SEGMENT; b++) {
                float[] k = KvTestData.gaussian(rnd, 8 * KV_HEADS * D);
                for (int i = 0; i < k.length; i++) k[i] += 2 * shift[i % shift.length];
                BlockSummary sum = BlockSummary.of(((long) s << 32) | b, k, 8, KV_HEADS, D, 2);
                blocks.add(sum);
                flat.add(sum);
            }
            bySegment.add(blocks);
            two.addSegment(s, blocks);
        }
        return new Data(flat, two, bySegment);
    }

    @Test
    void exhaustiveRankingsEqualTheFlatIndexForEveryMethod() {
        Data d = data(5);
        TwoLevelRanker r = new TwoLevelRanker(d.two(), d.bySegment()::get, d.flat().size(), HEADS, D, 0);
        Random rnd = new Random(6);
        for (int trial = 0; trial < 20; trial++) {
            int nq = 1 + rnd.nextInt(6), k = 1 + rnd.nextInt(10);
            float[] q = KvTestData.gaussian(rnd, nq * HEADS * D);
            float[] one = KvTestData.gaussian(rnd, HEADS * D);
            assertEquals(d.flat().topK(one, k), r.topK(one, k));
            assertEquals(d.flat().topKTokens(q, nq, k), r.topKTokens(q, nq, k));
            for (RetrievalScoring s : RetrievalScoring.values()) assertEquals(d.flat().topK(s, q, nq, k), r.topK(s, q, nq, k), s.name());
        }
        assertEquals(0, r.truncated());
        assertEquals(d.flat().size(), r.size());
        assertEquals(d.flat().queryWidth(), r.queryWidth());
        assertEquals(SEGMENTS * (8L * KV_HEADS * D + 8), r.residentBytes());
        assertTrue(r.segmentsVisited() <= r.searches() * SEGMENTS);
    }

    @Test
    void aSegmentLimitReadsAtMostThatManySegmentsAndCountsTheTruncatedRankings() {
        Data d = data(7);
        TwoLevelRanker r = new TwoLevelRanker(d.two(), d.bySegment()::get, d.flat().size(), HEADS, D, 2);
        Random rnd = new Random(8);
        for (int trial = 0; trial < 10; trial++) r.topK(KvTestData.gaussian(rnd, HEADS * D), 20);
        assertEquals(10, r.searches());
        assertEquals(20, r.segmentsVisited(), "two segments per ranking: top-20 needs more than 2 x 6 blocks");
        assertEquals(10, r.truncated());
    }

    @Test
    void badArgumentsAreRefused() {
        Data d = data(9);
        assertThrows(IllegalArgumentException.class, () -> new TwoLevelRanker(d.two(), d.bySegment()::get, 1, HEADS, D, -1));
        TwoLevelRanker r = new TwoLevelRanker(d.two(), d.bySegment()::get, d.flat().size(), HEADS, D, 0);
        assertThrows(IllegalArgumentException.class, () -> r.topK(new float[3], 1));
        float[] nan = new float[HEADS * D];
        nan[0] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> r.topK(RetrievalScoring.MEAN, nan, 1, 1));
    }
}
