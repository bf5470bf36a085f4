package io.ringmem.forward;

import io.ringmem.TestData;
import io.ringmem.backend.cpu.CpuBackend;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.sun.management.ThreadMXBean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding on the backends' token steps: the same logits, bit for bit, as the block-level calls the decoder used
 * before (with the same kernels), and steps that allocate a small amount that does not grow with the context.
 */
class DecodeStepTest {
    /** Bytes a step may allocate on the calling and kernel threads (task objects of the thread pool, lambdas). */
    private static final long STEP_BYTES = 16 * 1024;

    @Test
    void tokenStepsGiveTheBlockCallsLogitsBitwise() {
        try (LoadedModel m = ModelLoader.load(TestData.tinystories656k(), null)) {
            for (String name : List.of("scalar", "vector")) {
                try (Kernels k = KernelsFactory.byName(name, 2)) {
                    LlamaModel direct = new LlamaModel(m.config(), m.weights(), k);
                    LlamaModel blocks = new LlamaModel(m.config(), m.weights(), new BlockOnlyBackend(CpuBackend.over(k)));
                    int[] prompt = new SplittableRandom(3).ints(41, 0, m.config().vocabSize()).toArray();
                    RunConfig run = RunConfig.of(2, ShardSchedule.ZIGZAG);
                    try (Decoder a = decoder(direct, prompt, run); Decoder b = decoder(blocks, prompt, run)) {
                        a.reserve(10); // a grows by reserve then in chunks, b only in chunks: same values either way
                        int id = 7;
                        for (int p = prompt.length; p < prompt.length + 300; p++) {
                            float[] expected = b.step(id, p).clone();
                            float[] actual = a.step(id, p);
                            assertArrayEquals(expected, actual, name + " position " + p);
                            id = Sampler.argmax(actual);
                        }
                        assertEquals(prompt.length + 300, a.length());
                    }
                }
            }
        }
    }

    @Tag("allocation") // its own fork: see ring-attention/pom.xml
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void stepsAllocateABoundedAmountThatDoesNotGrowWithTheContext(int threads) {
        // big enough that, with 2 threads, matmuls and the decode attention run on the kernel threads
        ModelConfig c = new ModelConfig(512, 1024, 2, 8, 2, 64, 4096, 8192, 1e-5f, 10000.0, RopeLayout.ROTATE_HALF, null);
        try (Kernels k = KernelsFactory.byName("vector", threads)) {
            LlamaModel model = new LlamaModel(c, RandomLlama.weights(c, 3), k);
            int[] prompt = new SplittableRandom(4).ints(600, 0, c.vocabSize()).toArray();
            try (Decoder d = decoder(model, prompt, RunConfig.of(2, ShardSchedule.ZIGZAG))) {
                d.reserve(3000);
                Stepper s = new Stepper(d, prompt.length);
                long warm = Long.MAX_VALUE;
                for (int batch = 0; batch < 60 && warm > STEP_BYTES; batch++) warm = s.bytesPerStep(10); // JIT warm-up
                long early = s.bytesPerStep(50);
                int earlyContext = d.length();
                while (d.length() < earlyContext + 1200) s.bytesPerStep(100);
                long late = s.bytesPerStep(50);
                String what = "bytes per step at context " + earlyContext + ": " + early + ", at " + d.length() + ": " + late;
                assertTrue(early <= STEP_BYTES && late <= STEP_BYTES, what);
                assertTrue(late <= early + 1024, "allocation grows with the context: " + what);
            }
        }
    }

    private static Decoder decoder(LlamaModel model, int[] prompt, RunConfig run) {
        return new Decoder(model, new SequenceParallelPrefill(model, run).run(prompt, p -> false, (p, l, o) -> { }).caches());
    }

    /** Greedy steps, measuring the bytes allocated by the calling thread and the kernel threads. */
    private static final class Stepper {
        private final ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final Decoder d;
        private int position;
        private int id = 3;

        Stepper(Decoder d, int position) {
            this.d = d;
            this.position = position;
        }

        long bytesPerStep(int steps) {
            long[] ids = threads();
            long before = sum(mx.getThreadAllocatedBytes(ids));
            for (int i = 0; i < steps; i++) id = Sampler.argmax(d.step(id, position++));
            long after = sum(mx.getThreadAllocatedBytes(ids));
            return (after - before) / steps;
        }

        private static long[] threads() {
            List<Long> ids = new ArrayList<>();
            ids.add(Thread.currentThread().threadId());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("ringmem-kernel-") && t.isAlive()) ids.add(t.threadId());
            }
            return ids.stream().mapToLong(Long::longValue).toArray();
        }

        private static long sum(long[] a) {
            long s = 0;
            for (long x : a) if (x > 0) s += x;
            return s;
        }
    }
}
