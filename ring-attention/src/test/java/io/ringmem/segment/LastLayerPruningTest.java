package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogitsSink;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scoring only some positions computes the last layer's carried context for those positions only (where the context's
 * choice is per query, {@link io.ringmem.forward.ExtraContext#rowsIndependent}); their logits must equal those of
 * the pass that scores every position (within {@link #TOL}: the output head itself rounds differently per row
 * count). And {@link RetrievalScoring#LAST_EXACT} with every block retrieved and lossless
 * keys is exact attention. stories260K, 600 seeded random tokens, segments of 128, blocks of 32.
 */
class LastLayerPruningTest {
    /**
     * Logits of the same position differ in the last float bits between a pass that emits 5 rows and one that emits all
     * (the output head's matmul blocks rows differently), so "the same" is within this; a different retrieved block
     * changes them by far more (stories260K's logits move by 0.01–1 when a block changes).
     */
    private static final float TOL = 1e-4f;
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

    private static Map<Integer, float[]> logits(SegmentConfig cfg, int workers, IntPredicate wanted) {
        int vocab = model.config().vocabSize();
        Map<Integer, float[]> got = new ConcurrentHashMap<>();
        LogitsSink sink = (pos, l, off) -> got.put(pos, Arrays.copyOfRange(l, off, off + vocab));
        new SegmentedScorer(llama, RunConfig.of(workers, ShardSchedule.ZIGZAG), cfg, new InMemoryKvBlockStore(model.config().layers()))
                .score(ids, wanted, sink, x -> { });
        return got;
    }

    @Test
    void scoredPositionsGetTheSameLogitsWhetherOrNotTheOthersAreScored() {
        Set<Integer> few = Set.of(130, 300, 301, 415, 598);
        SegmentConfig top1 = new SegmentConfig(128, 4, 32, 32, "int8", 1, 0);
        for (RetrievalScoring scoring : new RetrievalScoring[]{RetrievalScoring.LAST_EXACT, RetrievalScoring.PER_TOKEN}) {
            for (int workers : new int[]{1, 2}) {
                SegmentConfig cfg = top1.withRetrieval(scoring, 0, 1);
                Map<Integer, float[]> all = logits(cfg, workers, p -> true), some = logits(cfg, workers, few::contains);
                assertEquals(few, some.keySet());
                for (int p : few) assertArrayEquals(all.get(p), some.get(p), TOL, scoring + " P=" + workers + " logits at " + p);
            }
        }
    }

    @Test
    void onlyPerQueryChoicesArePruned() {
        SegmentConfig top1 = new SegmentConfig(128, 4, 32, 32, "int8", 1, 0);
        // MEAN chooses per chunk from every query of the chunk: no pruning, so the scored positions' logits are the same
        // as with every position scored only because nothing changed; LAST_EXACT's earlier layers are MEAN too
        Set<Integer> few = Set.of(200, 599);
        Map<Integer, float[]> all = logits(top1, 2, p -> true), some = logits(top1, 2, few::contains);
        for (int p : few) assertArrayEquals(all.get(p), some.get(p), TOL, "MEAN logits at " + p);
        KvBlockStore s = new InMemoryKvBlockStore(2);
        var idx = new io.ringmem.kv.RetrievalIndex[]{new io.ringmem.kv.RetrievalIndex(2, 1, 4), new io.ringmem.kv.RetrievalIndex(2, 1, 4)};
        var none = new io.ringmem.ring.KvBlock[2];
        assertTrue(ctx(none, idx, s, RetrievalScoring.LAST_EXACT, 4, 0).rowsIndependent(1));
        assertFalse(ctx(none, idx, s, RetrievalScoring.LAST_EXACT, 4, 0).rowsIndependent(0));
        assertFalse(ctx(none, idx, s, RetrievalScoring.MEAN, 4, 0).rowsIndependent(1));
        assertTrue(ctx(none, idx, s, RetrievalScoring.MEAN, 0, 0).rowsIndependent(1));
        assertTrue(ctx(none, idx, s, RetrievalScoring.PER_TOKEN, 4, 4 * 16).rowsIndependent(0));
        assertFalse(ctx(none, idx, s, RetrievalScoring.PER_TOKEN, 4, 4 * 16 - 1).rowsIndependent(0));
    }

    private static CarriedContext ctx(io.ringmem.ring.KvBlock[] none, io.ringmem.kv.RetrievalIndex[] idx, KvBlockStore s,
                                      RetrievalScoring scoring, int topK, int candidates) {
        return new CarriedContext(none, none, idx, s, topK, 0, 16, null, null, 2, 1, scoring, candidates);
    }

    @Test
    void lastExactWithEveryLosslessBlockRetrievedIsExact() {
        ScoreResult exact = new Scorer(llama, RunConfig.of(1, ShardSchedule.ZIGZAG)).score(ids);
        int vocab = model.config().vocabSize();
        Set<Integer> few = Set.of(150, 333, 598);
        Map<Integer, float[]> got = logits(new SegmentConfig(128, 4, 32, 32, "none", 1000, 0)
                .withRetrieval(RetrievalScoring.LAST_EXACT, 0, 1), 2, few::contains);
        for (int p : few) {
            float[] l = got.get(p);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float x : l) max = Math.max(max, x);
            for (float x : l) sum += Math.exp(x - max);
            double nll = max + Math.log(sum) - l[ids[p + 1]];
            assertEquals(exact.nll()[p], nll, 1e-4, "NLL at " + p);
        }
        assertEquals(vocab, got.get(150).length);
    }
}
