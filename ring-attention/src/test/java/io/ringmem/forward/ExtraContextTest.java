package io.ringmem.forward;

import io.ringmem.TestData;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second segment that carries the first segment's whole KV as extra context computes exactly what one
 * prefill over both segments computes: the carried-context path is exact when nothing is dropped.
 */
class ExtraContextTest {

    @Test
    void segmentWithFullCarriedKvEqualsOnePrefill() {
        try (LoadedModel m = ModelLoader.load(TestData.stories260kBin(), null); Kernels k = KernelsFactory.byName("vector", 2)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            int n = 200, split = 120;
            int[] ids = new SplittableRandom(11).ints(n, 0, m.config().vocabSize()).toArray();
            double[] full = new Scorer(model, RunConfig.of(1, ShardSchedule.CONTIGUOUS)).score(ids).nll();

            PrefillResult first = new SequenceParallelPrefill(model, RunConfig.of(2, ShardSchedule.ZIGZAG))
                    .run(Arrays.copyOf(ids, split), p -> false, (a, b, c) -> { });
            List<KvBlock> carried = new ArrayList<>();
            for (int l = 0; l < m.config().layers(); l++) {
                KvBlock all = ShardGather.layer(first.caches(), l, m.config().kvDim());
                assertEquals(split, all.tokens());
                for (int t = 0; t < split; t++) assertEquals(t, all.positions()[t]);
                carried.add(all);
            }
            // carried context in two pieces per layer (as sinks + window would be), to exercise several merges
            ExtraContext extra = (rank, layer, q, qPos, nq) -> {
                KvBlock b = carried.get(layer);
                int cut = 37;
                return List.of(b.slice(0, cut), b.slice(cut, split));
            };
            double[] second = new double[n - 1];
            boolean[] seen = new boolean[n];
            new SequenceParallelPrefill(model, RunConfig.of(3, ShardSchedule.ZIGZAG)).run(Arrays.copyOfRange(ids, split, n), split,
                    extra, p -> true, (pos, logits, off) -> {
                        seen[pos] = true;
                        if (pos < n - 1) second[pos] = LogProbs.nll(logits, off, m.config().vocabSize(), ids[pos + 1]);
                    }, layers -> { });
            for (int p = split; p < n; p++) assertTrue(seen[p], "logits for global position " + p);
            for (int p = split; p < n - 1; p++) assertEquals(full[p], second[p], 1e-4, "NLL at " + p);
        }
    }
}
