package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segment scoring through the two-level index against the flat scan (the oracle) on stories260K: 1,100 seeded random
 * tokens in segments of 128 (9 segments, up to 64 stored blocks of 16 per layer), top-2 retrieval, so the index
 * chooses among many blocks. Exhaustive (index segments 0): the same NLL bit for bit under every scoring, both
 * positions policies and several summary keys. Limited: exact where the limit still covers every earlier segment.
 */
class TwoLevelRetrievalTest {
    private static LoadedModel model;
    private static Kernels kernels;
    private static LlamaModel llama;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        model = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 2);
        llama = new LlamaModel(model.config(), model.weights(), kernels);
        ids = new SplittableRandom(15).ints(1100, 0, model.config().vocabSize()).toArray();
        ids[0] = 1;
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        model.close();
    }

    private static double[] nll(SegmentConfig cfg) {
        return new SegmentedScorer(llama, RunConfig.of(2, ShardSchedule.ZIGZAG), cfg,
                new InMemoryKvBlockStore(model.config().layers())).score(ids, s -> { }).nll();
    }

    private static SegmentConfig base() {
        return SegmentConfig.builder().segmentTokens(128).sinkTokens(4).windowTokens(16).blockTokens(16).codec("int8")
                .retrieveTopK(2).memoryTokens(false).positions("document").build();
    }

    @Test
    void exhaustiveTwoLevelScoresEqualTheFlatScanBitForBit() {
        for (RetrievalScoring scoring : RetrievalScoring.values()) {
            for (int keys : new int[]{1, 4}) {
                SegmentConfig flat = base().withRetrieval(scoring, 0, keys);
                assertEquals(IndexLayout.FLAT, flat.retrievalIndex());
                double[] want = nll(flat);
                double[] got = nll(flat.withIndex(IndexLayout.TWO_LEVEL, 0));
                assertArrayEquals(want, got, 0.0, scoring + " keys=" + keys);
            }
        }
    }

    @Test
    void exhaustiveTwoLevelEqualsFlatUnderWindowPositions() {
        SegmentConfig flat = base().withPositions(Positions.WINDOW, 512).withRetrieval(RetrievalScoring.TOKEN, 0, 2);
        assertArrayEquals(nll(flat), nll(flat.withIndex(IndexLayout.TWO_LEVEL, 0)), 0.0);
    }

    @Test
    void aSegmentLimitChangesNothingWhileItCoversEveryEarlierSegment() {
        SegmentConfig flat = base();
        double[] want = nll(flat);
        double[] limited = nll(flat.withIndex(IndexLayout.TWO_LEVEL, 2));
        // segments 0..2 see at most 2 earlier segments: identical there
        for (int p = 0; p < 3 * 128; p++) assertEquals(want[p], limited[p], 0.0, "position " + p);
        for (double v : limited) assertTrue(Double.isFinite(v));
        double[] one = nll(flat.withIndex(IndexLayout.TWO_LEVEL, 1));
        for (int p = 0; p < 2 * 128; p++) assertEquals(want[p], one[p], 0.0, "position " + p);
        // reading one segment of up to eight earlier ones misses some of the flat choice later on
        assertFalse(Arrays.equals(want, one), "a limit of one segment chose every flat block");
    }

    @Test
    void badIndexSettingsAreRefusedNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class, () -> SegmentConfig.builder().retrievalIndex("tree").build());
        assertTrue(e.getMessage().contains("retrievalIndex") && e.getMessage().contains("two-level"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SegmentConfig.builder().indexSegments(-1).build());
        assertTrue(e.getMessage().contains("indexSegments"), e.getMessage());
        assertEquals(IndexLayout.TWO_LEVEL, SegmentConfig.builder().retrievalIndex("Two-Level").build().retrievalIndex());
    }
}
