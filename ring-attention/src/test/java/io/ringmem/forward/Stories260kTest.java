package io.ringmem.forward;

import io.ringmem.TestData;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** stories260K: the llama2.c and GGUF files give identical logits; greedy decoding from BOS matches the reference. */
class Stories260kTest {

    @Test
    void binAndGgufGiveIdenticalLogits() {
        int[] ids = Reference.ints(Reference.root().get("stories260K_greedy_from_bos"));
        try (LoadedModel bin = ModelLoader.load(TestData.stories260kBin(), null);
             LoadedModel gguf = ModelLoader.load(TestData.stories260kGguf(), null);
             Kernels k = KernelsFactory.byName("vector", 2)) {
            Set<Integer> keep = Set.of(0, 10, 31, ids.length - 1);
            ScoreResult a = new Scorer(new LlamaModel(bin.config(), bin.weights(), k), RunConfig.of(2, ShardSchedule.ZIGZAG))
                    .score(ids, keep);
            ScoreResult b = new Scorer(new LlamaModel(gguf.config(), gguf.weights(), k), RunConfig.of(2, ShardSchedule.ZIGZAG))
                    .score(ids, keep);
            for (int p : keep) assertArrayEquals(a.logits().get(p), b.logits().get(p), 0f, "logits at " + p);
            assertArrayEquals(a.nll(), b.nll(), 0.0);
        }
    }

    @Test
    void greedyFromBosMatchesReference() {
        int[] expected = Reference.ints(Reference.root().get("stories260K_greedy_from_bos"));
        for (var path : new Path[]{TestData.stories260kBin(), TestData.stories260kGguf()}) {
            try (LoadedModel m = ModelLoader.load(path, null); Kernels k = KernelsFactory.byName("vector", 2)) {
                int[] got = new Generator(new LlamaModel(m.config(), m.weights(), k), RunConfig.of(1, ShardSchedule.ZIGZAG))
                        .generate(new int[]{expected[0]}, expected.length - 1, new Sampler(0, 1, 0), id -> false, id -> true);
                assertArrayEquals(expected, got, path.getFileName().toString());
            }
        }
    }
}
