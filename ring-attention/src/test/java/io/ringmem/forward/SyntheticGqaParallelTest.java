package io.ringmem.forward;

import io.ringmem.TestData;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** synthetic-gqa (8 heads / 2 KV heads, theta 500000): P-rank results equal P = 1 on 4096 random tokens. */
class SyntheticGqaParallelTest {
    private static final double TOL = 1e-4;
    private static LoadedModel model;
    private static Kernels kernels;
    private static ScoreResult single;
    private static int[] ids;

    @BeforeAll
    static void baseline() {
        model = ModelLoader.load(TestData.syntheticGqa(), null);
        kernels = KernelsFactory.byName("vector", 2);
        ids = new SplittableRandom(4096).ints(4096, 0, model.config().vocabSize()).toArray();
        single = score(1, ShardSchedule.CONTIGUOUS);
    }

    @AfterAll
    static void close() {
        kernels.close();
        model.close();
    }

    private static ScoreResult score(int workers, ShardSchedule schedule) {
        return new Scorer(new LlamaModel(model.config(), model.weights(), kernels), RunConfig.of(workers, schedule))
                .score(ids, Set.of(0, 2047, 4095));
    }

    private static void assertSame(ScoreResult r) {
        for (int i = 0; i < ids.length - 1; i++) assertEquals(single.nll()[i], r.nll()[i], TOL, "NLL at " + i + ", P=" + r.workers());
        for (int p : new int[]{0, 2047, 4095}) {
            float[] a = single.logits().get(p), b = r.logits().get(p);
            for (int v = 0; v < a.length; v++) assertEquals(a[v], b[v], TOL, "logit " + v + " at " + p);
        }
    }

    @Test
    void zigzagTwoRanks() {
        assertSame(score(2, ShardSchedule.ZIGZAG));
    }

    @Test
    void zigzagThreeRanks() {
        assertSame(score(3, ShardSchedule.ZIGZAG));
    }

    @Test
    void contiguousFourRanks() {
        assertSame(score(4, ShardSchedule.CONTIGUOUS));
    }
}
