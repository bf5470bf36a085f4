package io.ringmem.store.hazelcast;

import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.IndexLayout;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.BlockIds;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreKvBlockStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segment mode with its compressed KV in a two-member Hazelcast cluster: scores equal the in-process store's
 * bit for bit (the same bytes come back), and the blocks written through one member are listed and read through
 * the other; the same with the two-level index, whose per-segment summaries live in the cluster.
 */
class SegmentsOverClusterTest {

    static Path model() {
        Path given = Path.of(System.getProperty("ringmem.testdata"));
        Path root = given.isAbsolute() ? given : Path.of(System.getProperty("ringmem.rootdir")).resolve(given);
        return root.resolve("models/stories260K/stories260K.bin").normalize();
    }

    @Test
    void segmentScoresThroughTheClusterEqualTheLocalStore() throws Exception {
        int[] ports = TestClusters.freePorts(2);
        List<String> members = TestClusters.addresses(ports);
        String cluster = TestClusters.uniqueCluster("segments");
        var fa = CompletableFuture.supplyAsync(() -> new HazelcastMemoryStore(TestClusters.member(cluster, ports[0], members).build()));
        var fb = CompletableFuture.supplyAsync(() -> new HazelcastMemoryStore(TestClusters.member(cluster, ports[1], members).build()));
        try (HazelcastMemoryStore a = fa.get(); HazelcastMemoryStore b = fb.get();
             LoadedModel m = ModelLoader.load(model(), null); Kernels k = KernelsFactory.byName("vector", 2)) {
            LlamaModel llama = new LlamaModel(m.config(), m.weights(), k);
            int[] ids = new SplittableRandom(9).ints(300, 0, m.config().vocabSize()).toArray();
            SegmentConfig cfg = new SegmentConfig(64, 4, 16, 16, "int4", 3, 0);
            RunConfig run = RunConfig.of(2, ShardSchedule.ZIGZAG);
            SegmentScoreResult local = new SegmentedScorer(llama, run, cfg, new InMemoryKvBlockStore(m.config().layers()))
                    .score(ids, s -> { });
            SegmentScoreResult remote = new SegmentedScorer(llama, run, cfg, new StoreKvBlockStore(a, "doc-300")).score(ids, s -> { });
            assertArrayEquals(local.nll(), remote.nll(), 0.0);
            assertEquals(local.storeBytes(), remote.storeBytes());

            int blocksPerLayer = 4 * 4 + 300 % 64 / 16 + (300 % 64 % 16 == 0 ? 0 : 1); // 4 full segments of 4 blocks + the tail
            List<BlockKey> keys = b.keys("doc-300");
            assertEquals(blocksPerLayer * m.config().layers(), keys.size());
            assertEquals(4, b.keys("doc-300", 2, 0).size());
            KvBlockRecord r = b.get(new BlockKey("doc-300", 1, 3, 2)).orElseThrow();
            assertEquals("int4", r.codec());
            assertEquals(16, r.tokens());
            assertEquals(64 + 32, r.positions()[0]);
            assertTrue(b.stats().entries() >= keys.size());

            // the two-level index: boxes in the state, each segment's summaries one record in the cluster, read back
            // through the other member; the NLL is the flat local one bit for bit
            SegmentConfig two = cfg.withIndex(IndexLayout.TWO_LEVEL, 0);
            assertArrayEquals(local.nll(), new SegmentedScorer(llama, run, two, new StoreKvBlockStore(a, "doc-two"))
                    .score(ids, s -> { }).nll(), 0.0);
            StoreKvBlockStore other = new StoreKvBlockStore(b, "doc-two");
            List<BlockSummary> seg1 = other.summaries(3, 1);
            assertEquals(4, seg1.size());
            assertEquals(BlockIds.of(1, 2), seg1.get(2).blockId());
            assertEquals(m.config().kvHeads() * m.config().headDim(), seg1.get(2).meanKeys().length);
            assertEquals((blocksPerLayer + 5) * m.config().layers(), b.keys("doc-two").size()); // + one record a segment
            assertThrows(RingmemException.class, () -> other.summaries(0, 5));
        }
    }
}
