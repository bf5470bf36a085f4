package io.ringmem.segment;

import io.ringmem.kv.BlockRanker;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.TwoLevelRanker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The resident-index accounting: measured from a state against the closed form, and the figures docs/ quote. */
class IndexMemoryTest {
    private static final int LAYERS = 3, HEADS = 4, KV_HEADS = 2, D = 8, BLOCK = 16, SEG = 128;

    /** A state holding the summaries segment scoring stores for {@code tokens} tokens (last segment partial). */
    private static SegmentState state(int tokens, int keys) {
        SplittableRandom r = new SplittableRandom(3);
        List<List<BlockSummary>> perLayer = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            List<BlockSummary> sums = new ArrayList<>();
            for (int s = 0; s * SEG < tokens; s++) {
                int segTokens = Math.min(SEG, tokens - s * SEG);
                for (int b = 0, b0 = 0; b0 < segTokens; b0 += BLOCK, b++) {
                    int n = Math.min(BLOCK, segTokens - b0);
                    float[] k = new float[n * KV_HEADS * D];
                    for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
                    sums.add(BlockSummary.of(BlockIds.of(s, b), k, n, KV_HEADS, D, Math.min(keys, n)));
                }
            }
            perLayer.add(sums);
        }
        return SegmentState.initial(LAYERS, null).withSummaries(perLayer);
    }

    @Test
    void measuredBytesEqualTheClosedFormAndTheRankersResidentLevel() {
        for (int tokens : new int[]{128, 1000, 1024, 2050}) {
            SegmentState st = state(tokens, 2);
            IndexMemory got = IndexMemory.of(st);
            assertEquals(IndexMemory.estimate(tokens, LAYERS, KV_HEADS, D, SEG, BLOCK, 2), got, "tokens=" + tokens);
            long segments = (tokens + SEG - 1) / SEG;
            assertEquals(LAYERS * segments * (8L * KV_HEADS * D + 8), got.twoLevelBytes());
            assertEquals(got.flatBytes(), IndexMemory.residentBytes(st));
            // the same summaries as the two-level pipeline keeps them: one entry per segment, summaries in the store
            InMemoryKvBlockStore store = new InMemoryKvBlockStore(LAYERS);
            List<List<BlockSummary>> entries = new ArrayList<>();
            for (int l = 0; l < LAYERS; l++) {
                List<BlockSummary> mine = new ArrayList<>();
                for (var e : RetrievalIndexes.bySegment(st.summaries().get(l)).entrySet()) {
                    store.putSummaries(l, e.getKey(), e.getValue());
                    mine.add(SegmentEntry.of(e.getKey(), e.getValue()));
                }
                entries.add(mine);
            }
            SegmentState twoState = st.withSummaries(entries);
            assertEquals(got.twoLevelBytes(), IndexMemory.residentBytes(twoState), "tokens=" + tokens);
            SegmentConfig two = SegmentConfig.builder().segmentTokens(SEG).blockTokens(BLOCK).retrievalIndex("two-level").build();
            long resident = 0;
            for (BlockRanker b : RetrievalIndexes.of(twoState, two, store, HEADS, KV_HEADS, D)) {
                resident += ((TwoLevelRanker) b).residentBytes();
                assertEquals(got.blocks() / LAYERS, b.size());
            }
            assertEquals(got.twoLevelBytes(), resident, "tokens=" + tokens);
            assertEquals(IndexLayout.TWO_LEVEL, two.retrievalIndex());
        }
    }

    @Test
    void eightBShapedFiguresAtOneAndTenMillionTokens() {
        // 32 layers, 8 KV heads of 128, blocks of 64, segments of 2048, one summary key per block
        IndexMemory m1 = IndexMemory.estimate(1L << 20, 32, 8, 128, 2048, 64, 1);
        assertEquals(32L * 16384, m1.blocks());
        assertEquals(32L * 16384 * 4104, m1.flatBytes()); // 2.15 GB
        assertEquals(32L * 512 * 8200, m1.twoLevelBytes()); // 134 MB
        IndexMemory m10 = IndexMemory.estimate(10L << 20, 32, 8, 128, 2048, 64, 1);
        assertEquals(10 * m1.flatBytes(), m10.flatBytes());
        assertEquals(10 * m1.twoLevelBytes(), m10.twoLevelBytes());
    }

    @Test
    void anEmptyStateHoldsNothing() {
        SegmentState st = SegmentState.initial(LAYERS, null).withSummaries(List.of(List.of(), List.of(), List.of()));
        assertEquals(new IndexMemory(0, 0, 0, 0), IndexMemory.of(st));
    }
}
