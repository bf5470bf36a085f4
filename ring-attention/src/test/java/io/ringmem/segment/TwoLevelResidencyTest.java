package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.IndexLayout;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a two-level state carries between segments, measured on stories260K (1,100 seeded tokens, segments of 128
 * cut into blocks of 16: 9 segments, 8 blocks each but the last): after every segment, one box per segment and layer
 * ({@link IndexMemory#twoLevelBytes}'s formula), while the flat state carries every block summary; the summaries the
 * two-level pipeline put in the store are the flat state's, bit for bit.
 */
class TwoLevelResidencyTest {
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

    /** Folds one more segment into {@code state}, as {@link SegmentedScorer} does. */
    private static SegmentState next(SegmentPipeline pipeline, SegmentState state, SegmentConfig seg, KvBlockStore store) {
        RunConfig run = RunConfig.of(2, ShardSchedule.ZIGZAG);
        int start = state.nextPosition(), end = Math.min(ids.length, start + seg.segmentTokens());
        RunConfig segmentRun = pipeline.runFor(run.withRanks(seg.ranksFor(run.ranks(), end - start)));
        ExtraContext extra = pipeline.extraFor(state, store);
        PrefillResult r = new SequenceParallelPrefill(llama, segmentRun).run(Arrays.copyOfRange(ids, start, end), start, extra,
                p -> false, (pos, logits, off) -> { }, false, l -> { });
        return pipeline.finish(state, r.caches(), end, store, null).state();
    }

    @Test
    void theTwoLevelStateGrowsWithSegmentsAndTheStoreHoldsTheFlatSummaries() {
        ModelConfig c = model.config();
        SegmentConfig flat = SegmentConfig.builder().segmentTokens(128).sinkTokens(4).windowTokens(16).blockTokens(16)
                .codec("int8").retrieveTopK(2).memoryTokens(false).positions("document").build()
                .resolvedFor(ids.length, c.maxPositions());
        SegmentConfig two = flat.withIndex(IndexLayout.TWO_LEVEL, 0);
        KvBlockStore flatStore = new InMemoryKvBlockStore(c.layers()), twoStore = new InMemoryKvBlockStore(c.layers());
        SegmentPipeline flatPipe = new SegmentPipeline(llama, flat, 16), twoPipe = new SegmentPipeline(llama, two, 16);
        SegmentState f = flatPipe.initial(), t = twoPipe.initial();
        long box = IndexMemory.boxBytes(c.kvHeads(), c.headDim()), entry = IndexMemory.flatEntryBytes(c.kvHeads(), c.headDim(), 1);
        for (int s = 1; s <= 9; s++) {
            f = next(flatPipe, f, flat, flatStore);
            t = next(twoPipe, t, two, twoStore);
            int blocks = Math.min(ids.length, 128 * s) / 16 + (Math.min(ids.length, 128 * s) % 16 == 0 ? 0 : 1);
            assertEquals((long) c.layers() * s * box, IndexMemory.residentBytes(t), "two-level after " + s + " segments");
            assertEquals((long) c.layers() * blocks * entry, IndexMemory.residentBytes(f), "flat after " + s + " segments");
            assertEquals(IndexMemory.estimate(t.nextPosition(), c.layers(), c.kvHeads(), c.headDim(), 128, 16, 1),
                    IndexMemory.of(f));
            for (int l = 0; l < c.layers(); l++) {
                assertEquals(s, t.summaries().get(l).size());
                assertEquals(blocks, SegmentEntry.blocks(t.summaries().get(l)));
            }
        }
        for (int l = 0; l < c.layers(); l++) {
            for (int k = 0; k < 9; k++) {
                List<BlockSummary> want = f.summariesOf(k).get(l), got = twoStore.summaries(l, k);
                assertEquals(want.size(), got.size());
                for (int b = 0; b < want.size(); b++) {
                    assertEquals(want.get(b).blockId(), got.get(b).blockId());
                    assertArrayEquals(want.get(b).meanKeys(), got.get(b).meanKeys(), 0f);
                }
            }
        }
        assertThrows(RuntimeException.class, () -> twoStore.summaries(0, 9));
        // a document keeps its layout: the other one is refused in one line naming the one it was processed with
        SegmentState twoState = t, flatState = f;
        var e = assertThrows(IllegalArgumentException.class, () -> flatPipe.extraFor(twoState, twoStore));
        assertTrue(e.getMessage().contains("processed with retrievalIndex two-level"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> twoPipe.extraFor(flatState, flatStore));
        assertTrue(e.getMessage().contains("processed with retrievalIndex flat"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> twoPipe.finish(flatState, List.of(), 2000, flatStore, null));
        assertTrue(e.getMessage().contains("processed with retrievalIndex flat"), e.getMessage());
    }
}
