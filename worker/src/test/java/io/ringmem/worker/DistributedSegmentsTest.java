package io.ringmem.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.IndexLayout;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.protocol.AskTask;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.protocol.TokensResult;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.KvBlockStore;
import io.ringmem.segment.Positions;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.worker.ring.RingTls;
import io.ringmem.worker.ring.TestCerts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three {@link Worker}s, each with its own TCP ring server, run a document segment by segment through shard and
 * finalize requests, with the carried state passing through {@link DocumentStates} between segments: the NLL must
 * equal the in-process {@link SegmentedScorer} bit for bit (same ring size, same settings, int8 blocks and top-2
 * retrieval), which is the oracle for segment mode.
 */
@Timeout(120)
class DistributedSegmentsTest {
    private static LoadedModel loaded;
    private static Kernels kernels;
    private static LlamaModel model;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        loaded = ModelLoader.load(TestData.stories260kBin(), null);
        kernels = KernelsFactory.byName("vector", 1);
        model = new LlamaModel(loaded.config(), loaded.weights(), kernels);
        ids = new SplittableRandom(11).ints(600, 0, loaded.config().vocabSize()).toArray();
        ids[0] = 1;
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        loaded.close();
    }

    private record Cluster(List<Worker> workers, List<RingTransport> transports, InMemoryDocumentStates states,
                           ConcurrentHashMap<String, KvBlockStore> stores) implements AutoCloseable {
        static Cluster start(int n) {
            RingKeys[] keys = new RingKeys[n];
            Arrays.fill(keys, RingKeys.plain());
            return start(keys);
        }

        /** One worker per entry, each deriving its ring session keys with its own {@link RingKeys}. */
        static Cluster start(RingKeys... keys) {
            return start(w -> Optional.empty(), keys);
        }

        /** As {@link #start(RingKeys...)}, worker w's ring with {@code tls.apply(w)}. */
        static Cluster start(IntFunction<Optional<RingTls>> tls, RingKeys... keys) {
            int n = keys.length;
            List<Worker> workers = new ArrayList<>();
            List<RingTransport> transports = new ArrayList<>();
            InMemoryDocumentStates states = new InMemoryDocumentStates();
            ConcurrentHashMap<String, KvBlockStore> stores = new ConcurrentHashMap<>();
            for (int w = 0; w < n; w++) {
                RingTransport t = TcpRingTransport.start("127.0.0.1", 0, "127.0.0.1", tls.apply(w));
                transports.add(t);
                workers.add(new Worker("w" + w, model, 64,
                        doc -> stores.computeIfAbsent(doc, d -> new InMemoryKvBlockStore(loaded.config().layers())),
                        states, t, keys[w], new SimpleMeterRegistry()));
            }
            return new Cluster(workers, transports, states, stores);
        }

        @Override
        public void close() {
            transports.forEach(RingTransport::close);
        }
    }

    private static double[] runDocument(Cluster c, String doc, SegmentConfig s, int p) throws Exception {
        return runDocument(c, doc, s, seg -> p);
    }

    /** @param ranks ring size of each segment (a worker lost mid-job: the later segments run on fewer ranks) */
    private static double[] runDocument(Cluster c, String doc, SegmentConfig s, IntUnaryOperator ranks) throws Exception {
        int most = c.workers().size();
        double[] nll = new double[ids.length];
        Arrays.fill(nll, Double.NaN);
        var pool = Executors.newFixedThreadPool(most);
        try {
            for (int seg = 0; seg * s.segmentTokens() < ids.length; seg++) {
                int p = ranks.applyAsInt(seg);
                int start = seg * s.segmentTokens(), end = Math.min(ids.length, start + s.segmentTokens());
                int[] segIds = Arrays.copyOfRange(ids, start, end);
                int next = end < ids.length ? ids[end] : -1;
                List<CompletableFuture<ShardResult>> fs = new ArrayList<>();
                byte[] key = ShardTask.newSessionNonce();
                for (int r = 0; r < p; r++) {
                    ShardTask t = new ShardTask("job", doc, seg, 7, r, p, "zigzag", c.workers().get((r + 1) % p).ringAddress(),
                            segIds, start, next, s, true, false, 30_000, key);
                    Worker w = c.workers().get(r);
                    fs.add(CompletableFuture.supplyAsync(() -> w.handle(t), pool));
                }
                List<QuerySums> queries = new ArrayList<>();
                for (CompletableFuture<ShardResult> f : fs) { // rank order, as the coordinator passes them
                    ShardResult r = f.get();
                    for (int i = 0; i < r.positions().length; i++) nll[r.positions()[i]] = r.nll()[i];
                    if (r.queries() != null) queries.add(r.queries());
                }
                c.workers().get(0).handle(new FinalizeTask("job", doc, seg, 7, p, end, s, queries));
            }
        } finally {
            pool.shutdownNow();
        }
        return Arrays.copyOf(nll, ids.length - 1);
    }

    @Test
    void workersOverTcpEqualTheInProcessSegmentedScorerBitForBit() throws Exception {
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), s,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        try (Cluster c = Cluster.start(3)) {
            double[] nll = runDocument(c, "doc", s, 3);
            assertArrayEquals(expected.nll(), nll, 0.0);
            assertEquals(5, c.states().latest("doc").orElseThrow().segmentsDone());
            assertEquals(0, c.states().shardCount(), "finalize must drop the shards");
        }
    }

    @Test
    void workersWithTheExhaustiveTwoLevelIndexEqualTheFlatInProcessScorerBitForBit() throws Exception {
        SegmentConfig flat = new SegmentConfig(128, 4, 32, 16, "int8", 2, 0, true);
        SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(2, ShardSchedule.ZIGZAG), flat,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        try (Cluster c = Cluster.start(2)) {
            assertArrayEquals(expected.nll(), runDocument(c, "doc", flat.withIndex(IndexLayout.TWO_LEVEL, 0), 2), 0.0);
        }
    }

    @Test
    void workersSharingAClusterSecretDeriveTheRingKeysAndScoreAsWithout() throws Exception {
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        RingKeys shared = RingKeys.derivedFrom(ClusterSecret.of("the ring test's cluster secret, 32 B"));
        double[] plain;
        try (Cluster c = Cluster.start(2)) {
            plain = runDocument(c, "doc", s, 2);
        }
        try (Cluster c = Cluster.start(shared, RingKeys.derivedFrom(ClusterSecret.of("the ring test's cluster secret, 32 B")))) {
            assertArrayEquals(plain, runDocument(c, "doc", s, 2), 0.0);
        }
    }

    @Test
    void workersWithMutualRingTlsAndASecretScoreAsPlainWorkers(@TempDir Path dir) throws Exception {
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        double[] plain;
        try (Cluster c = Cluster.start(3)) {
            plain = runDocument(c, "doc", s, 3);
        }
        TestCerts ca = TestCerts.ca("ring-ca");
        List<RingTls> tls = List.of(ca.issue(dir, "w0").tls(), ca.issue(dir, "w1").tls(), ca.issue(dir, "w2").tls());
        RingKeys keys = RingKeys.derivedFrom(ClusterSecret.of("the ring test's cluster secret, 32 B"));
        try (Cluster c = Cluster.start(w -> Optional.of(tls.get(w)), keys, keys, keys)) {
            assertArrayEquals(plain, runDocument(c, "doc", s, 3), 0.0);
        }
    }

    @Test
    void aWorkerWithAnotherSecretOrNoneIsRefusedByTheRing() {
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        RingKeys ours = RingKeys.derivedFrom(ClusterSecret.of("the ring test's cluster secret, 32 B"));
        for (RingKeys stranger : List.of(RingKeys.derivedFrom(ClusterSecret.of("a stranger's secret, also 32 bytes")),
                RingKeys.plain())) {
            try (Cluster c = Cluster.start(ours, stranger)) {
                byte[] nonce = ShardTask.newSessionNonce();
                List<CompletableFuture<ShardResult>> fs = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    ShardTask t = new ShardTask("job", "d", 0, 1, r, 2, "zigzag", c.workers().get(1 - r).ringAddress(),
                            Arrays.copyOf(ids, 128), 0, ids[128], s, true, false, 5_000, nonce);
                    Worker w = c.workers().get(r);
                    fs.add(CompletableFuture.supplyAsync(() -> w.handle(t)));
                }
                for (CompletableFuture<ShardResult> f : fs) {
                    ExecutionException e = assertThrows(ExecutionException.class, f::get, stranger.toString());
                    assertInstanceOf(RingmemException.class, e.getCause());
                    assertTrue(e.getCause().getMessage().contains("handshake"), e.getCause().getMessage());
                }
            }
        }
    }

    @Test
    void windowPositionsOverTcpEqualTheInProcessScorerBitForBit() throws Exception {
        // 600 tokens past stories260K's trained context of 512: positions auto is window; with the context forced to
        // 160 the carried distances are also clamped (160 - 128 < 4 + 32 + 32); token selection scores keys in the
        // segment's rotary frame. The coordinator resolves the settings per document, as here.
        SegmentConfig auto = SegmentConfig.builder().segmentTokens(128).sinkTokens(4).windowTokens(32).blockTokens(32)
                .codec("int8").retrieveTopK(2).build();
        for (SegmentConfig s : List.of(auto, auto.withPositions(Positions.WINDOW, 160), auto.withKeepRatio(0.5))) {
            SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), s,
                    new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
            assertEquals(Positions.WINDOW, expected.positions());
            SegmentConfig resolved = s.resolvedFor(ids.length, loaded.config().maxPositions());
            try (Cluster c = Cluster.start(3)) {
                assertArrayEquals(expected.nll(), runDocument(c, "window", resolved, 3), 0.0, s.toString());
            }
        }
        SegmentScoreResult document = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG),
                auto.withPositions(Positions.DOCUMENT, 0), new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        SegmentScoreResult window = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), auto,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        double diff = 0;
        for (int i = 128; i < ids.length - 1; i++) diff += Math.abs(document.nll()[i] - window.nll()[i]);
        assertTrue(diff > 1e-2, "window positions must change the later segments' scores");
    }

    @Test
    void fewerRanksFromAnySegmentOnGiveTheSameScoresWithRetrievalOn() throws Exception {
        // top-2 of blocks of 32: retrieval is selective; a worker "killed" before segment k leaves 2 ranks from k on
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        try (Cluster c = Cluster.start(3)) {
            double[] three = runDocument(c, "three", s, 3);
            double[] two = runDocument(c, "two", s, 2);
            for (int i = 0; i < three.length; i++) assertEquals(three[i], two[i], 1e-4, "P=2 vs P=3, NLL at " + i);
            for (int kill = 1; kill <= 4; kill++) {
                int k = kill;
                double[] lost = runDocument(c, "lost-" + k, s, seg -> seg < k ? 3 : 2);
                for (int i = 0; i < three.length; i++) {
                    assertEquals(three[i], lost[i], 1e-4, "2 ranks from segment " + k + ", NLL at " + i);
                }
            }
        }
    }

    @Test
    void tokenSelectionOverTcpEqualsTheInProcessScorerBitForBit() throws Exception {
        SegmentConfig all = new SegmentConfig(128, 4, 32, 32, "none", 1000, 0, true);
        SegmentConfig half = all.withKeepRatio(0.5);
        SegmentScoreResult keepAll = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), all,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), half,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        try (Cluster c = Cluster.start(3)) {
            double[] nll = runDocument(c, "selected", half, 3);
            assertArrayEquals(expected.nll(), nll, 0.0);
            long stored = c.stores().get("selected").storedBytes();
            assertEquals(expected.storeBytes(), stored, "the same tokens kept");
        }
        double diff = 0;
        for (int i = 128; i < keepAll.nll().length; i++) diff += Math.abs(keepAll.nll()[i] - expected.nll()[i]);
        assertTrue(diff > 1e-3, "keeping half the tokens must change later scores");
    }

    @Test
    void askAnswersFromTheStoredStateAndMissingStateIsAClearError() throws Exception {
        SegmentConfig s = new SegmentConfig(256, 4, 64, 32, "int8", 2, 0, true);
        try (Cluster c = Cluster.start(2)) {
            runDocument(c, "asked", s, 2);
            TokensResult r = c.workers().get(1).handle(new AskTask("asked", new int[]{1, 20, 30}, 5, new int[0], s));
            assertEquals(5, r.ids().length);
            RingmemException e = assertThrows(RingmemException.class,
                    () -> c.workers().get(0).handle(new AskTask("never-seen", new int[]{1, 2}, 3, new int[0], s)));
            assertTrue(e.getMessage().contains("never-seen"), e.getMessage());
        }
    }

    @Test
    void aMissingCarriedStateOrShardFailsWithTheDocumentNamed() {
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        try (Cluster c = Cluster.start(1)) {
            ShardTask later = new ShardTask("job", "orphan", 2, 1, 0, 1, "zigzag", c.workers().get(0).ringAddress(),
                    Arrays.copyOf(ids, 128), 256, -1, s, true, false, 5_000, ShardTask.newSessionNonce());
            RingmemException e = assertThrows(RingmemException.class, () -> c.workers().get(0).handle(later));
            assertTrue(e.getMessage().contains("'orphan' after segment 1"), e.getMessage());
            RingmemException f = assertThrows(RingmemException.class,
                    () -> c.workers().get(0).handle(new FinalizeTask("job", "orphan", 0, 1, 1, 128, s, List.of())));
            assertTrue(f.getMessage().contains("rank 0"), f.getMessage());
        }
    }

    @Test
    void aRankWhoseNeighbourIsGoneFailsInsteadOfHanging() throws Exception {
        SegmentConfig s = new SegmentConfig(128, 4, 32, 32, "int8", 2, 0, true);
        try (Cluster c = Cluster.start(2)) {
            String deadAddress = c.workers().get(1).ringAddress();
            c.transports().get(1).close(); // worker 1 is gone
            ShardTask t = new ShardTask("job", "d", 0, 1, 0, 2, "zigzag", deadAddress, Arrays.copyOf(ids, 128), 0, ids[128], s,
                    true, false, 5_000, ShardTask.newSessionNonce());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> CompletableFuture.supplyAsync(() -> c.workers().get(0).handle(t)).get());
            assertInstanceOf(RingmemException.class, e.getCause());
        }
    }
}
