package io.ringmem.forward;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding over a sharded KV cache gives the logits a full prefill of the same tokens gives. */
class DecoderTest {

    @Test
    void decodeStepsMatchFullPrefillLogits() {
        try (LoadedModel m = ModelLoader.load(TestData.stories260kBin(), null); Kernels k = KernelsFactory.byName("vector", 2)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            int[] ids = new SplittableRandom(7).ints(60, 0, m.config().vocabSize()).toArray();
            int prompt = 21;
            Set<Integer> keep = new HashSet<>();
            for (int p = prompt - 1; p < ids.length; p++) keep.add(p);
            ScoreResult full = new Scorer(model, RunConfig.of(1, ShardSchedule.CONTIGUOUS)).score(ids, keep);

            for (int workers : new int[]{1, 3}) {
                int[] promptIds = Arrays.copyOf(ids, prompt);
                PrefillResult pre = new SequenceParallelPrefill(model, RunConfig.of(workers, ShardSchedule.ZIGZAG))
                        .run(promptIds, p -> false, (a, b, c) -> { });
                Decoder decoder = new Decoder(model, pre.caches());
                for (int p = prompt; p < ids.length; p++) {
                    float[] logits = decoder.step(ids[p], p);
                    float[] expected = full.logits().get(p);
                    for (int v = 0; v < logits.length; v++) {
                        assertEquals(expected[v], logits[v], 1e-4, "P=" + workers + " position " + p + " logit " + v);
                    }
                }
                assertEquals(ids.length, decoder.length());
                for (KvCache c : pre.caches()) assertTrue(c.size() >= (ids.length / workers) - 1, "shards stay balanced");
            }
        }
    }

    @Test
    void badInputsGiveClearErrors() {
        try (LoadedModel m = ModelLoader.load(TestData.stories260kBin(), null); Kernels k = KernelsFactory.byName("scalar", 1)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            RingmemException range = assertThrows(RingmemException.class,
                    () -> new Scorer(model, RunConfig.of(1, ShardSchedule.ZIGZAG)).score(new int[]{1, 5, 512}));
            assertTrue(range.getMessage().contains("512"), range.getMessage());
            RingmemException tooMany = assertThrows(RingmemException.class,
                    () -> new Scorer(model, RunConfig.of(4, ShardSchedule.ZIGZAG)).score(new int[]{1, 5, 7}));
            assertTrue(tooMany.getMessage().contains("4 workers"), tooMany.getMessage());
            assertThrows(RingmemException.class, () -> new Scorer(model, RunConfig.of(1, ShardSchedule.ZIGZAG)).score(new int[]{1}));
        }
    }
}
