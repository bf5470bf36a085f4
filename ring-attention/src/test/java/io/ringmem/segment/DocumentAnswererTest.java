package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.ringmem.forward.Generator;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Sampler;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Questions over a stored document (stories260K, random ids) against plain greedy generation. */
class DocumentAnswererTest {
    private static LoadedModel loaded;
    private static Kernels kernels;
    private static LlamaModel model;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        loaded = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 2);
        model = new LlamaModel(loaded.config(), loaded.weights(), kernels);
        ids = new SplittableRandom(9).ints(320, 0, loaded.config().vocabSize()).toArray();
        ids[0] = 1;
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        loaded.close();
    }
    @Test
    void answerFromExactCarriedStateEqualsGreedyGenerationOverDocumentAndQuestion() {
        int[] doc = Arrays.copyOf(ids, 200);
        int[] question = Arrays.copyOfRange(ids, 300, 310);
        SegmentConfig seg = new SegmentConfig(256, 4, 256, 32, "none", 0, 0);
        InMemoryKvBlockStore store = new InMemoryKvBlockStore(loaded.config().layers());
        RunConfig run = RunConfig.of(2, ShardSchedule.ZIGZAG);
        SegmentPipeline pipeline = new SegmentPipeline(model, seg, run.blockTokens());
        var prefill = new SequenceParallelPrefill(model, run)
                .run(doc, 0, pipeline.extraFor(pipeline.initial(), store), p -> false, (p, l, o) -> { }, l -> { });
        SegmentState state = pipeline.finish(pipeline.initial(), prefill.caches(), doc.length, store, null).state();

        int[] answer = new DocumentAnswerer(model, seg, run.blockTokens()).answer(state, store, question, 12, id -> false);

        int[] full = new int[doc.length + question.length];
        System.arraycopy(doc, 0, full, 0, doc.length);
        System.arraycopy(question, 0, full, doc.length, question.length);
        int[] expected = new Generator(model, RunConfig.of(1, ShardSchedule.CONTIGUOUS))
                .generate(full, 12, new Sampler(0, 1, 0), id -> false, id -> true);
        assertArrayEquals(Arrays.copyOfRange(expected, full.length, expected.length), answer);
    }

    @Test
    void unprocessedDocumentIsRejected() {
        SegmentConfig seg = SegmentConfig.of(128);
        SegmentState fresh = new SegmentPipeline(model, seg, 64).initial();
        assertThrows(RingmemException.class, () -> new DocumentAnswerer(model, seg, 64)
                .answer(fresh, new InMemoryKvBlockStore(loaded.config().layers()), new int[]{1, 2}, 3, id -> false));
    }
}
