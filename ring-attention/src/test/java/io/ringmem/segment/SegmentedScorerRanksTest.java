package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
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

/**
 * With retrieval on, segment mode gives the same scores whatever the ring size: retrieval is decided per query chunk
 * of a block's length at fixed offsets, and shards are cut at chunk boundaries (stories260K, 600 random tokens).
 */
class SegmentedScorerRanksTest {
    private static LoadedModel model;
    private static Kernels kernels;
    private static LlamaModel llama;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        model = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 2);
        llama = new LlamaModel(model.config(), model.weights(), kernels);
        ids = new SplittableRandom(11).ints(600, 0, model.config().vocabSize()).toArray();
        ids[0] = 1;
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        model.close();
    }

    private static SegmentScoreResult segments(SegmentConfig cfg, int workers, ShardSchedule schedule) {
        return new SegmentedScorer(llama, RunConfig.of(workers, schedule), cfg,
                new InMemoryKvBlockStore(model.config().layers())).score(ids, s -> { });
    }

    @Test
    void retrievalGivesTheSameScoresForEveryRingSize() {
        // segments of 128, blocks (and query chunks) of 16, top-3 of up to 28 stored blocks: retrieval is selective
        SegmentConfig cfg = new SegmentConfig(128, 4, 32, 16, "int8", 3, 0);
        SegmentScoreResult one = segments(cfg, 1, ShardSchedule.ZIGZAG);
        for (int p = 2; p <= 4; p++) {
            for (ShardSchedule schedule : ShardSchedule.values()) {
                SegmentScoreResult r = segments(cfg, p, schedule);
                for (int i = 0; i < one.nll().length; i++) {
                    assertEquals(one.nll()[i], r.nll()[i], 1e-4, "P=" + p + " " + schedule + " NLL at " + i);
                }
            }
        }
    }

    @Test
    void aLastSegmentOfFewerChunksThanRanksRunsOnOneRankPerChunk() {
        // blocks of 32: the last segment (88 tokens) has 3 chunks, so with P = 4 it runs on 3 ranks
        SegmentConfig cfg = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0);
        assertEquals(3, cfg.ranksFor(4, 88));
        assertEquals(1, cfg.ranksFor(4, 1));
        SegmentScoreResult one = segments(cfg, 1, ShardSchedule.ZIGZAG), four = segments(cfg, 4, ShardSchedule.ZIGZAG);
        for (int i = 0; i < one.nll().length; i++) assertEquals(one.nll()[i], four.nll()[i], 1e-4, "P=4 NLL at " + i);
    }

    @Test
    void retrievalIsSelectiveInTheseSettings() {
        SegmentConfig cfg = new SegmentConfig(128, 4, 32, 16, "int8", 3, 0);
        SegmentScoreResult one = segments(cfg, 1, ShardSchedule.ZIGZAG);
        // and retrieval matters here: without it (or with every block) later segments score differently
        SegmentScoreResult none = segments(cfg.withRetrieveTopK(0), 1, ShardSchedule.ZIGZAG);
        SegmentScoreResult all = segments(cfg.withRetrieveTopK(1000), 1, ShardSchedule.ZIGZAG);
        double offNone = 0, offAll = 0;
        for (int i = 128; i < one.nll().length; i++) {
            offNone += Math.abs(one.nll()[i] - none.nll()[i]);
            offAll += Math.abs(one.nll()[i] - all.nll()[i]);
        }
        assertTrue(offNone > 1e-2 && offAll > 1e-2, "top-3 must differ from no retrieval (" + offNone + ") and from all (" + offAll + ")");
    }
}
