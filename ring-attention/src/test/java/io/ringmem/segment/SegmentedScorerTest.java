package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Segment mode against exact attention on stories260K (600 random tokens, segments of 128). */
class SegmentedScorerTest {
    private static LoadedModel model;
    private static Kernels kernels;
    private static LlamaModel llama;
    private static int[] ids;
    private static ScoreResult exact;

    @BeforeAll
    static void setUp() {
        model = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 2);
        llama = new LlamaModel(model.config(), model.weights(), kernels);
        ids = new SplittableRandom(5).ints(600, 0, model.config().vocabSize()).toArray();
        ids[0] = 1;
        exact = new Scorer(llama, RunConfig.of(1, ShardSchedule.ZIGZAG)).score(ids);
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        model.close();
    }

    private static SegmentScoreResult segments(SegmentConfig cfg, int workers) {
        return new SegmentedScorer(llama, RunConfig.of(workers, ShardSchedule.ZIGZAG), cfg,
                new InMemoryKvBlockStore(model.config().layers())).score(ids, s -> { });
    }

    @Test
    void retrievingEveryLosslessBlockIsExact() {
        // sinks and window exact, every stored block retrieved with codec none: the whole prefix is carried
        SegmentConfig all = new SegmentConfig(128, 4, 32, 32, "none", 1000, 0);
        for (int workers : new int[]{1, 3}) {
            SegmentScoreResult r = segments(all, workers);
            assertEquals(5, r.segments());
            for (int i = 0; i < exact.nll().length; i++) assertEquals(exact.nll()[i], r.nll()[i], 1e-4, "P=" + workers + " NLL at " + i);
            assertEquals(1.0, r.compressionRatio(), 0.02);
        }
    }

    @Test
    void everyRetrievalScoringIsExactWhenEveryBlockIsRetrieved() {
        SegmentConfig all = new SegmentConfig(128, 4, 32, 32, "none", 1000, 0);
        for (RetrievalScoring scoring : RetrievalScoring.values()) {
            SegmentScoreResult r = segments(all.withRetrieval(scoring, 0, 4), 2);
            for (int i = 0; i < exact.nll().length; i++) assertEquals(exact.nll()[i], r.nll()[i], 1e-4, scoring + " NLL at " + i);
        }
    }

    @Test
    void scoringsChooseDifferentBlocksWhenTopKIsSmall() {
        // top-1 of 3-4 stored blocks: the scorings may choose differently; each result is finite and the first segment,
        // which retrieves nothing, is exact under every scoring
        SegmentConfig one = new SegmentConfig(128, 4, 32, 32, "none", 1, 0);
        double[] mean = null;
        for (RetrievalScoring scoring : RetrievalScoring.values()) {
            SegmentScoreResult r = segments(one.withRetrieval(scoring, 3, scoring == RetrievalScoring.MEAN ? 1 : 8), 2);
            for (int i = 0; i < 127; i++) assertEquals(exact.nll()[i], r.nll()[i], 1e-4, scoring + " NLL at " + i);
            for (double v : r.nll()) assertTrue(Double.isFinite(v));
            if (mean == null) mean = r.nll();
        }
        assertArrayEquals(mean, segments(one, 2).nll(), 0.0, "MEAN with one summary key is today's retrieval");
    }

    @Test
    void int8IsCloseToExactAndSmaller() {
        SegmentScoreResult r = segments(new SegmentConfig(128, 4, 32, 32, "int8", 1000, 0), 2);
        assertEquals(exact.meanNll(), r.meanNll(), 0.01);
        // head dim 8: a row of 8 int8 values carries an fp32 (scale, min) pair, so 32 bytes become 16 (+ headers)
        double perRow = 4.0 * 8 / (8 + 8);
        assertTrue(r.compressionRatio() > 0.95 * perRow && r.compressionRatio() < perRow, "int8 ratio " + r.compressionRatio());
        assertTrue(r.storeBytes() > 0);
    }

    @Test
    void withoutCarriedContextTheFirstSegmentIsStillExact() {
        SegmentScoreResult r = segments(new SegmentConfig(128, 0, 0, 32, "int4", 0, 0), 2);
        for (int i = 0; i < 127; i++) assertEquals(exact.nll()[i], r.nll()[i], 1e-4, "NLL at " + i);
        double later = 0;
        for (int i = 128; i < exact.nll().length; i++) later += Math.abs(exact.nll()[i] - r.nll()[i]);
        assertTrue(later > 1e-3, "later segments lose their prefix, so they must differ from exact");
    }

    @Test
    void tokenSelectionKeepsTheShareAskedForAndShrinksTheStore() {
        SegmentConfig all = new SegmentConfig(128, 4, 32, 32, "none", 1000, 0);
        SegmentScoreResult full = segments(all, 2), half = segments(all.withKeepRatio(0.5), 2);
        SegmentScoreResult same = segments(all.withKeepRatio(1.0), 2);
        assertArrayEquals(full.nll(), same.nll(), 0.0);
        // half the tokens of every block: about half the bytes (each block keeps its header and positions)
        double shrink = (double) half.storeBytes() / full.storeBytes();
        assertTrue(shrink > 0.45 && shrink < 0.6, "store shrink " + shrink);
        assertEquals(2 * (1.0 / shrink) * full.compressionRatio(), 2 * half.compressionRatio(), 0.3);
        // the first segment never reads stored blocks, so it is unaffected; later ones lose keys
        for (int i = 0; i < 127; i++) assertEquals(full.nll()[i], half.nll()[i], 1e-9);
        double diff = 0;
        for (int i = 128; i < full.nll().length; i++) diff += Math.abs(full.nll()[i] - half.nll()[i]);
        assertTrue(diff > 1e-3, "dropping half the retrieved keys must change later scores");
    }

    @Test
    void tokenSelectionPrefersKeysTheMeanQueryAttendsTo() {
        // one layer, 2 heads / 1 KV head, head dim 2: mean query (1, 0) for both heads, so keys score by their x
        TokenScores scores = new TokenScores((r, l, q, p, n) -> List.of(), 1, 1, 2, 1, 2);
        scores.blocksFor(0, 0, new float[]{1, 0, 1, 0, 3, 0, 3, 0}, new int[]{0, 1}, 2);
        float[] k = {0.1f, 9, 5, 0, -2, 1, 3, 3};
        KvBlock kept = scores.select(new KvBlock(0, -1, new int[]{10, 11, 12, 13}, k, k.clone()), 0.5);
        assertArrayEquals(new int[]{11, 13}, kept.positions());
        assertArrayEquals(new float[]{5, 0, 3, 3}, kept.k(), 0f);
    }
}
