package io.ringmem.forward;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.TestData;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * tinystories-656k against Hugging Face transformers (float64): per-position NLL within 1e-4, argmax equal, full
 * logit rows within 1e-3, for P = 1, 2, 3, 4, 8 under both schedules, with the fast kernels (and the reference
 * kernels at P = 1).
 */
class TinyStoriesReferenceTest {
    private static final double NLL_TOL = 1e-4;
    private static final double LOGIT_TOL = 1e-3;
    private static LoadedModel model;
    private static Kernels vector;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        vector = KernelsFactory.byName("vector", 2);
    }

    @AfterAll
    static void close() {
        vector.close();
        model.close();
    }

    static Stream<Arguments> runs() {
        List<Arguments> a = new ArrayList<>();
        for (int p : new int[]{1, 2, 3, 4, 8}) {
            for (ShardSchedule s : ShardSchedule.values()) a.add(Arguments.of(p, s));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "P={0} {1}")
    @MethodSource("runs")
    void matchesHuggingFace(int workers, ShardSchedule schedule) {
        check(vector, workers, schedule);
    }

    @Test
    void referenceKernelsMatchHuggingFaceToo() {
        check(new ScalarKernels(), 1, ShardSchedule.CONTIGUOUS);
    }

    private void check(Kernels kernels, int workers, ShardSchedule schedule) {
        JsonNode ref = Reference.root().get("tinystories656k_512");
        int[] ids = Reference.ints(ref.get("ids"));
        double[] nll = Reference.doubles(ref.get("nll"));
        int[] argmax = Reference.ints(ref.get("argmax"));
        LlamaModel m = new LlamaModel(model.config(), model.weights(), kernels);
        ScoreResult r = new Scorer(m, RunConfig.of(workers, schedule)).score(ids, Set.of(0, 255, 511));

        assertEquals(nll.length, r.nll().length);
        for (int i = 0; i < nll.length; i++) assertEquals(nll[i], r.nll()[i], NLL_TOL, "NLL at position " + i);
        assertEquals(ref.get("mean_nll").asDouble(), r.meanNll(), NLL_TOL);
        assertArrayEquals(argmax, r.argmax());
        for (var e : ref.get("logits").properties()) {
            int pos = Integer.parseInt(e.getKey());
            double[] expected = Reference.doubles(e.getValue());
            float[] actual = r.logits().get(pos);
            for (int v = 0; v < expected.length; v++) assertEquals(expected[v], actual[v], LOGIT_TOL, "logit " + v + " at " + pos);
        }
    }

    @Test
    void greedyFromBosMatchesReferenceWithShardedCache() {
        int[] expected = Reference.ints(Reference.root().get("tok656_greedy_from_bos"));
        LlamaModel m = new LlamaModel(model.config(), model.weights(), vector);
        for (int workers : new int[]{1}) {
            int[] got = new Generator(m, RunConfig.of(workers, ShardSchedule.ZIGZAG))
                    .generate(new int[]{expected[0]}, expected.length - 1, new Sampler(0, 1, 0), id -> false, id -> true);
            assertArrayEquals(expected, got);
        }
        // A prompt of 16 reference tokens prefilled over 4 ranks, then decoded over the 4 KV shards.
        int[] prompt = Arrays.copyOf(expected, 16);
        int[] got = new Generator(m, RunConfig.of(4, ShardSchedule.ZIGZAG))
                .generate(prompt, expected.length - 16, new Sampler(0, 1, 0), id -> false, id -> true);
        assertArrayEquals(expected, got);
    }
}
