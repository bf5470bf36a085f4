package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Retrieval per query chunk: each chunk chooses its own blocks, and a block is masked to the chunks that chose it. */
class CarriedContextChunksTest {
    private static final int H = ExtraContext.HIDDEN;

    /** One layer, 2 heads / 1 KV head, head dim 2; block 1 has keys along x, block 2 along y. */
    private static CarriedContext context(int topK) {
        InMemoryKvBlockStore store = new InMemoryKvBlockStore(1);
        RetrievalIndex index = new RetrievalIndex(2, 1, 2);
        float[][] keys = {{1, 0, 1, 0}, {0, 1, 0, 1}};
        for (int b = 0; b < 2; b++) {
            long id = b + 1;
            int[] positions = {10 * b, 10 * b + 1};
            store.put(0, id, positions, KvCodecs.byName("none").encode(keys[b], keys[b], 2, 1, 2));
            index.add(BlockSummary.of(id, keys[b], 2, 1, 2));
        }
        return new CarriedContext(new KvBlock[1], new KvBlock[1], new RetrievalIndex[]{index}, store, topK, 100, 2);
    }

    @Test
    void eachChunkAttendsToTheBlocksItsOwnMeanQueryChose() {
        // positions 101..104: chunks [100, 102) and [102, 104) and [104, 106); the first and last look along x
        float[] q = {1, 0, 1, 0, /* 102 */ 0, 1, 0, 1, /* 103 */ 0, 2, 0, 2, /* 104 */ 3, 0, 3, 0};
        int[] pos = {101, 102, 103, 104};
        List<ExtraContext.Part> parts = context(1).partsFor(0, 0, q, pos, 4);
        assertEquals(2, parts.size());
        assertArrayEquals(new int[]{0, 1}, parts.get(0).block().positions()); // block 1 first (id order)
        assertArrayEquals(new int[]{101, H, H, 104}, parts.get(0).maskPositions());
        assertArrayEquals(new int[]{10, 11}, parts.get(1).block().positions());
        assertArrayEquals(new int[]{H, 102, 103, H}, parts.get(1).maskPositions());
    }

    @Test
    void aBlockEveryChunkChoseIsUnmaskedAndBlocksForTreatsTheQueriesAsOneChunk() {
        float[] q = {1, 0, 1, 0, 0, 1, 0, 1};
        List<ExtraContext.Part> parts = context(2).partsFor(0, 0, q, new int[]{101, 102}, 2);
        assertEquals(2, parts.size());
        for (ExtraContext.Part p : parts) assertNull(p.maskPositions());
        assertEquals(1, context(1).blocksFor(0, 0, new float[]{1, 0, 1, 0, 3, 0, 3, 0}, new int[]{101, 102}, 2).size());
    }

    /**
     * Block 1: keys (1, 0) and (1, 0), mean (1, 0). Block 2: keys (0, 3) and (0, -3), mean (0, 0), one key a query along
     * y wants sharply. One chunk of two queries: (1, 0.5) and (0, 2) per head.
     * mean: chunk mean (0.5, 1.25) scores block 1 at 0.5, block 2 at 0 → block 1.
     * token: best token (1, 0.5) scores block 1 at 1, block 2 at 0 → block 1 (the key is still averaged away).
     * rescore with both blocks as candidates: largest logits 1 (block 1) and 6 (block 2) → block 2.
     */
    @Test
    void rescoringWithExactKeysFindsTheKeyTheMeanAveragedAway() {
        InMemoryKvBlockStore store = new InMemoryKvBlockStore(1);
        RetrievalIndex index = new RetrievalIndex(2, 1, 2);
        float[][] keys = {{1, 0, 1, 0}, {0, 3, 0, -3}};
        for (int b = 0; b < 2; b++) {
            store.put(0, b + 1, new int[]{10 * b, 10 * b + 1}, KvCodecs.byName("none").encode(keys[b], keys[b], 2, 1, 2));
            index.add(BlockSummary.of(b + 1, keys[b], 2, 1, 2));
        }
        float[] q = {1, 0.5f, 1, 0.5f, 0, 2, 0, 2};
        int[] pos = {101, 102};
        RetrievalScoring[] scorings = {RetrievalScoring.MEAN, RetrievalScoring.TOKEN, RetrievalScoring.RESCORE};
        for (int i = 0; i < scorings.length; i++) {
            CarriedContext c = new CarriedContext(new KvBlock[1], new KvBlock[1], new RetrievalIndex[]{index}, store, 1, 100, 2,
                    null, null, 2, 1, scorings[i], 2);
            List<ExtraContext.Part> parts = c.partsFor(0, 0, q, pos, 2);
            assertEquals(1, parts.size(), scorings[i].toString());
            assertEquals(i < 2 ? 0 : 10, parts.getFirst().block().positions()[0], scorings[i].toString());
        }
    }
}
