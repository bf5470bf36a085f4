package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.IndexLayout;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MemoryNeed}: its store bytes against what the segment scorer really writes (stories260K, 600 random tokens,
 * partial last segment and blocks, every codec, token selection), its exact-mode arithmetic, and its one-line refusals.
 */
class MemoryNeedTest {
    private static LoadedModel model;
    private static Kernels kernels;
    private static LlamaModel llama;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        model = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 2);
        llama = new LlamaModel(model.config(), model.weights(), kernels);
        ids = new SplittableRandom(5).ints(600, 0, model.config().vocabSize()).toArray();
        ids[0] = 1;
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        model.close();
    }

    @Test
    void storeBytesEqualWhatTheScorerWrites() {
        // 600 = 4 segments of 128 + 88; blocks of 48 leave a partial block in every segment
        for (SegmentConfig cfg : new SegmentConfig[]{
                SegmentConfig.builder().segmentTokens(128).blockTokens(48).codec("int8").build(),
                SegmentConfig.builder().segmentTokens(128).blockTokens(48).codec("int4").build(),
                SegmentConfig.builder().segmentTokens(128).blockTokens(48).codec("none").build(),
                SegmentConfig.builder().segmentTokens(128).blockTokens(48).codec("int4").residualTokens(8).build(),
                SegmentConfig.builder().segmentTokens(100).blockTokens(32).codec("int8").keepRatio(0.3).build()}) {
            InMemoryKvBlockStore store = new InMemoryKvBlockStore(model.config().layers());
            SegmentScoreResult r = new SegmentedScorer(llama, RunConfig.of(2, ShardSchedule.ZIGZAG), cfg, store).score(ids, s -> { });
            assertEquals(r.storeBytes(), MemoryNeed.storeBytes(model.config(), cfg, ids.length), cfg.toString());
            assertEquals(r.storeBytes(), MemoryNeed.segments(model.config(), cfg, ids.length, 2, true).storeBytes(), cfg.toString());
            // the compression ratio is fp32 K and V of every token and layer over the encodings alone
            double raw = 8.0 * model.config().layers() * model.config().kvDim() * ids.length;
            assertEquals(r.compressionRatio(), raw / MemoryNeed.encodedBytes(model.config(), cfg, ids.length), 1e-12, cfg.toString());
        }
    }

    @Test
    void exactModeCountsTheKvCacheAndTheActivationsOfEveryToken() {
        ModelConfig c = model.config(); // stories260K: dim 64, 5 layers, 8 heads / 4 kv heads of 8
        long floats = 2L * 5 * 32 + 2 * 64 + 3 * 64 + 8 + 4 * 32 + 2 * 8;
        assertEquals(4 * floats + 12, MemoryNeed.exactBytesPerToken(c));
        MemoryNeed need = MemoryNeed.exact(c, 1 << 20);
        assertEquals(MemoryNeed.BASE_BYTES + (1L << 20) * MemoryNeed.exactBytesPerToken(c), need.heapBytes());
        assertEquals(0, need.storeBytes());
    }

    @Test
    void segmentModeGrowsWithTheStoreAndCountsItOnlyWhereItLives() {
        ModelConfig c = model.config();
        SegmentConfig cfg = SegmentConfig.of(512);
        MemoryNeed here = MemoryNeed.segments(c, cfg, 10_000_000, 2, true), elsewhere = MemoryNeed.segments(c, cfg, 10_000_000, 2, false);
        assertEquals(here.storeBytes(), elsewhere.storeBytes());
        assertEquals((long) (here.storeBytes() * MemoryNeed.STORE_HEAP_FACTOR), here.heapBytes() - elsewhere.heapBytes());
        MemoryNeed int4 = MemoryNeed.segments(c, cfg.withCodec("int4"), 10_000_000, 2, true);
        assertTrue(int4.storeBytes() < here.storeBytes() * 0.7, int4 + " vs " + here);
        long twice = MemoryNeed.segments(c, cfg, 20_000_000, 2, true).storeBytes();
        assertEquals(2 * here.storeBytes(), twice, "whole segments: the store grows linearly");
    }

    @Test
    void twoLevelCountsOneBoxPerSegmentResidentAndTheSummariesOnlyInTheStore() {
        ModelConfig c = model.config();
        SegmentConfig flat = SegmentConfig.of(512), two = flat.withIndex(IndexLayout.TWO_LEVEL, 0);
        long n = 20_000 * 512L, workers = 2;
        MemoryNeed f1 = MemoryNeed.segments(c, flat, n, 2, false), t1 = MemoryNeed.segments(c, two, n, 2, false);
        MemoryNeed t2 = MemoryNeed.segments(c, two, 2 * n, 2, false), f2 = MemoryNeed.segments(c, flat, 2 * n, 2, false);
        assertEquals(f1.storeBytes(), t1.storeBytes());
        assertTrue(t1.heapBytes() < f1.heapBytes(), t1 + " vs " + f1);
        // 20,000 more segments: per layer one box (8·kvDim + 40 bytes) in the stored state and in each worker's cache
        long boxes = 20_000L * c.layers() * (8L * c.kvDim() + 40);
        assertEquals(n * MemoryNeed.SEGMENT_BYTES_PER_TOKEN + (1 + workers) * boxes, t2.heapBytes() - t1.heapBytes());
        long blocks = 20_000L * 512 / flat.blockTokens(), summaries = blocks * c.layers() * (4L * c.kvDim() + 32);
        assertEquals(n * MemoryNeed.SEGMENT_BYTES_PER_TOKEN + (1 + workers) * summaries, f2.heapBytes() - f1.heapBytes());
        // where this JVM holds the store, the summaries count once more, with the store's heap factor
        MemoryNeed here = MemoryNeed.segments(c, two, n, 2, true);
        assertEquals((long) (t1.storeBytes() * MemoryNeed.STORE_HEAP_FACTOR)
                + (long) (blocks * c.layers() * (4L * c.kvDim() + 32) * MemoryNeed.STORE_HEAP_FACTOR), here.heapBytes() - t1.heapBytes());
    }

    @Test
    void refusalsAreOneLineNamingTheNeedAndTheLimit() {
        ModelConfig c = model.config();
        MemoryNeed exact = MemoryNeed.exact(c, 1 << 20);
        assertDoesNotThrow(() -> exact.require(exact.heapBytes(), ""));
        RingmemException e = assertThrows(RingmemException.class, () -> exact.require(1L << 30, "or score in segments (--mode segments)"));
        String m = e.getMessage();
        assertTrue(m.startsWith("exact mode over 1,048,576 tokens needs about "), m);
        assertTrue(m.contains("over the 1.0 GiB this JVM may use: give it -Xmx" + exact.suggestedHeapGiB() + "g (JAVA_OPTS) or score"), m);
        String perToken = String.format(Locale.ROOT, "activations of every token, %,d bytes a token", MemoryNeed.exactBytesPerToken(c));
        assertTrue(m.contains(perToken), m);
        assertFalse(m.contains("\n"), m);

        MemoryNeed seg = MemoryNeed.segments(c, SegmentConfig.of(512), 10_000_000, 2, true);
        m = assertThrows(RingmemException.class, () -> seg.require(256L << 20, "")).getMessage();
        assertTrue(m.startsWith("segments mode over 10,000,000 tokens needs about "), m);
        assertTrue(m.contains(MemoryNeed.size(seg.storeBytes()) + " of KV blocks in the store"), m);
        assertTrue(m.contains("over the 256 MiB this JVM may use"), m);

        assertDoesNotThrow(() -> seg.requireStore((long) (seg.storeBytes() * MemoryNeed.STORE_HEAP_FACTOR), ""));
        m = assertThrows(RingmemException.class, () -> seg.requireStore(seg.storeBytes(), "add workers")).getMessage();
        assertTrue(m.contains("over the store's capacity of " + MemoryNeed.size(seg.storeBytes()) + ": add workers"), m);
        assertEquals("3 MiB", MemoryNeed.size(3L << 20));
        assertEquals("2.5 GiB", MemoryNeed.size(5L << 29));
    }
}
