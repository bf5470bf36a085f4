package io.ringmem.segment;

import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RMT memory tokens in segment mode on stories260K with a synthetic (M = 4) memory tensor, against
 * {@link MemoryReference}: the explicit [read | segment | write] sequence, recurrent over 3 segments.
 */
class MemoryTokensTest {
    private static final int M = 4, SEGMENT = 48, TOKENS = 140; // segments of 48, 48, 44 tokens
    private static LoadedModel loaded;
    private static Kernels kernels;
    private static ModelWeights withMemory;
    private static LlamaModel llama;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        loaded = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 2);
        ModelWeights w = loaded.weights();
        float[] emb = w.embedding().toArray();
        double ms = 0;
        for (float e : emb) ms += (double) e * e;
        double scale = Math.sqrt(ms / emb.length); // the embeddings' RMS value
        SplittableRandom r = new SplittableRandom(11);
        float[] mem = new float[M * loaded.config().dim()];
        for (int i = 0; i < mem.length; i++) mem[i] = (float) (r.nextGaussian() * scale);
        withMemory = w.withMemoryTokens(Matrix.of(mem, M, loaded.config().dim()));
        llama = new LlamaModel(loaded.config(), withMemory, kernels);
        ids = new SplittableRandom(7).ints(TOKENS, 0, loaded.config().vocabSize()).toArray();
        ids[0] = 1;
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        loaded.close();
    }

    private static SegmentScoreResult score(LlamaModel model, SegmentConfig cfg, int workers) {
        return new SegmentedScorer(model, RunConfig.of(workers, ShardSchedule.ZIGZAG), cfg,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, s -> { });
    }

    private static SegmentConfig noCarried() {
        return new SegmentConfig(SEGMENT, 0, 0, 16, "none", 0, 0);
    }

    @Test
    void matchesTheExplicitConcatenatedSequence() {
        MemoryReference ref = new MemoryReference(loaded.config(), withMemory);
        double[] refNll = new double[TOKENS - 1];
        float[][] refMemory = new float[3][];
        float[] memory = withMemory.memoryTokens().toArray();
        for (int s = 0; s < 3; s++) {
            int start = s * SEGMENT, end = Math.min(TOKENS, start + SEGMENT);
            MemoryReference.Step step = ref.segment(ids, start, end, memory, M);
            for (int p = start; p < Math.min(end, TOKENS - 1); p++) refNll[p] = step.nll()[p - start];
            memory = refMemory[s] = step.memory();
        }
        for (int workers : new int[]{1, 2}) {
            SegmentScoreResult r = score(llama, noCarried(), workers);
            assertEquals(3, r.segments());
            assertEquals(M, r.memoryTokens());
            assertEquals(3, r.memoryStates().size());
            for (int i = 0; i < refNll.length; i++) assertEquals(refNll[i], r.nll()[i], 1e-4, "P=" + workers + " NLL at " + i);
            for (int s = 0; s < 3; s++) {
                float[] got = r.memoryStates().get(s);
                assertEquals(refMemory[s].length, got.length);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(refMemory[s][i], got[i], 1e-4, "P=" + workers + " memory of segment " + s + " at " + i);
                }
            }
        }
    }

    @Test
    void memoryChangesScoresAndDisablingItRestoresThePlainRun() {
        LlamaModel plain = new LlamaModel(loaded.config(), loaded.weights(), kernels);
        SegmentScoreResult without = score(plain, noCarried(), 2);
        SegmentScoreResult disabled = score(llama, noCarried().withMemoryTokens(false), 2);
        SegmentScoreResult on = score(llama, noCarried(), 2);
        assertEquals(0, disabled.memoryTokens());
        assertTrue(disabled.memoryStates().isEmpty());
        assertArrayEquals(without.nll(), disabled.nll(), 0.0, "disabled memory tokens must not change anything");
        double diff = 0;
        for (int i = 0; i < on.nll().length; i++) diff += Math.abs(on.nll()[i] - without.nll()[i]);
        assertTrue(diff > 1e-2, "memory tokens must influence the scores, total |ΔNLL| = " + diff);
    }

    @Test
    void composesWithCarriedContextAndAgreesAcrossWorkers() {
        SegmentConfig carried = new SegmentConfig(SEGMENT, 4, 12, 16, "none", 0, 0);
        SegmentScoreResult one = score(llama, carried, 1), three = score(llama, carried, 3);
        for (int i = 0; i < one.nll().length; i++) assertEquals(one.nll()[i], three.nll()[i], 1e-4, "NLL at " + i);
        for (int s = 0; s < 3; s++) {
            assertArrayEquals(one.memoryStates().get(s), three.memoryStates().get(s), 1e-4f, "memory of segment " + s);
        }
        SegmentScoreResult bare = score(llama, noCarried(), 1);
        for (int i = 0; i < SEGMENT - 1; i++) {
            assertEquals(bare.nll()[i], one.nll()[i], 1e-4, "segment 0 carries nothing yet, NLL at " + i);
        }
        assertTrue(Math.abs(bare.meanNll() - one.meanNll()) > 1e-4, "the carried window must matter in later segments");
    }
}
