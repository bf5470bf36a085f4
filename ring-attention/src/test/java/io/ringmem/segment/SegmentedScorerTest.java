package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

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
}
