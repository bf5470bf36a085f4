package io.ringmem.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringmem.TestData;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.backend.DeviceModel;
import io.ringmem.kernel.Kernels;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The forward pass on a backend chosen through the registry: weights uploaded once per model however many ranks,
 * prefills and decode steps run, and the same outputs as the model built directly on the same kernels.
 */
class BackendForwardTest {

    @Test
    void uploadsOnceAndMatchesTheKernelsPath() {
        try (LoadedModel m = ModelLoader.load(TestData.stories260kBin(), null);
             Backend vector = Backends.discover().create("vector", new BackendSettings(2))) {
            CountingBackend counting = new CountingBackend(vector);
            LlamaModel seam = new LlamaModel(m.config(), m.weights(), counting);
            LlamaModel direct = new LlamaModel(m.config(), m.weights(), vector.kernels());
            assertEquals(1, counting.uploads.get());

            int[] ids = new SplittableRandom(5).ints(90, 0, m.config().vocabSize()).toArray();
            RunConfig run = RunConfig.of(3, ShardSchedule.ZIGZAG);
            ScoreResult a = new Scorer(seam, run).score(ids, Set.of(10, 89));
            ScoreResult b = new Scorer(direct, run).score(ids, Set.of(10, 89));
            assertArrayEquals(b.nll(), a.nll());
            assertArrayEquals(b.logits().get(89), a.logits().get(89));

            Decoder da = new Decoder(seam, new SequenceParallelPrefill(seam, run).run(ids, p -> false, (p, l, o) -> { }).caches());
            Decoder db = new Decoder(direct, new SequenceParallelPrefill(direct, run).run(ids, p -> false, (p, l, o) -> { }).caches());
            for (int i = 0; i < 4; i++) assertArrayEquals(db.step(ids[i], 90 + i), da.step(ids[i], 90 + i));
            assertEquals(1, counting.uploads.get(), "the weights are uploaded once per model, not per rank or step");
        }
    }

    /** A backend that counts {@link #upload} calls and otherwise delegates. */
    private static final class CountingBackend implements Backend {
        private final Backend inner;
        final AtomicInteger uploads = new AtomicInteger();

        CountingBackend(Backend inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Kernels kernels() {
            return inner.kernels();
        }

        @Override
        public DeviceModel upload(ModelConfig config, ModelWeights weights) {
            uploads.incrementAndGet();
            return inner.upload(config, weights);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
