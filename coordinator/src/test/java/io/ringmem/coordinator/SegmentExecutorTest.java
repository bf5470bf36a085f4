package io.ringmem.coordinator;

import io.ringmem.RingmemException;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SegmentExecutor} against a fake gateway: assembly of rank results, retries, deterministic failures, cancellation. */
class SegmentExecutorTest {
    // blocks (and retrieval query chunks) of 1 token: every ring size up to the segment's length is used
    private static final SegmentConfig S8 = new SegmentConfig(8, 4, 2, 1, "int8", 4, 0, true);
    private static final RunnerSettings RUNNER = new RunnerSettings(Duration.ofSeconds(7), Duration.ofSeconds(60),
            Duration.ofSeconds(5), 4, Duration.ofSeconds(2), Duration.ofHours(1));
    /** A document of 20 tokens: segments [0,8) [8,16) [16,20). */
    private static final int[] IDS = new int[20];

    static {
        for (int i = 0; i < IDS.length; i++) IDS[i] = 100 + 7 * i;
    }

    private final FakeGateway gateway = FakeGateway.withReachableWorkers(4);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();

    @AfterEach
    void close() {
        gateway.close();
    }

    private SegmentOutcome run(SegmentExecutor executor, int segment, int ranks, boolean embed) throws InterruptedException {
        return executor.run("job-1", "doc-a", IDS, segment, ranks, S8, embed, () -> false, failures::incrementAndGet);
    }

    private SegmentExecutor executor(WorkerLeases leases, RunnerSettings settings) {
        return new SegmentExecutor(gateway, leases, settings, log::add);
    }

    private static List<String> workersOf(List<FakeGateway.Call> calls) {
        return calls.stream().map(c -> c.worker().name()).toList();
    }

    @Test
    void ranksResultsAreAssembledAtTheirPositions() throws Exception {
        WorkerLeases leases = new WorkerLeases(gateway, RUNNER.quarantine());
        SegmentOutcome o = run(executor(leases, RUNNER), 1, 3, true);
        assertEquals(8, o.start());
        assertEquals(16, o.end());
        assertEquals(3, o.workers());
        for (int i = 0; i < 8; i++) assertEquals(FakeGateway.nllAt(8 + i), o.nll()[i], 0.0, "NLL at " + (8 + i));
        // embedding: sums of the ranks' (tokens, sum of positions)
        assertArrayEquals(new float[]{8, 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15}, o.embeddingSum());
        assertEquals(1.5, o.ringWaitSeconds(), 1e-9, "3 ranks × 0.5 s");
        assertEquals(4000L * 15, o.rawBytes(), "from the finalize result");
        assertEquals(1000L * 15, o.encodedBytes());
        assertEquals(0, failures.get());

        List<ShardTask> shards = gateway.requests(ShardTask.class);
        assertEquals(3, shards.size());
        assertEquals(List.of("worker-1", "worker-2", "worker-3"), workersOf(gateway.calls(ShardTask.class)));
        List<WorkerRef> ring = gateway.workers().subList(0, 3);
        for (int r = 0; r < 3; r++) {
            ShardTask t = shards.get(r);
            assertEquals(r, t.rank());
            assertEquals(3, t.ranks());
            assertEquals("job-1", t.jobId());
            assertEquals("doc-a", t.documentId());
            assertEquals(1, t.segment());
            assertEquals(shards.getFirst().session(), t.session(), "one ring session for every rank");
            assertEquals("zigzag", t.schedule());
            assertEquals(ring.get((r + 1) % 3).ringAddress(), t.nextAddress());
            assertArrayEquals(Arrays.copyOfRange(IDS, 8, 16), t.segmentIds());
            assertEquals(8, t.firstPosition());
            assertEquals(IDS[16], t.nextToken(), "the token after the segment");
            assertEquals(S8, t.settings());
            assertTrue(t.scoreTokens());
            assertTrue(t.embed());
            assertEquals(7000, t.stepTimeoutMillis());
        }
        List<FakeGateway.Call> fin = gateway.calls(FinalizeTask.class);
        assertEquals(1, fin.size());
        assertEquals("worker-1", fin.getFirst().worker().name(), "the first rank's worker finalizes");
        FinalizeTask f = (FinalizeTask) fin.getFirst().request();
        assertEquals(new FinalizeTask("job-1", "doc-a", 1, shards.getFirst().session(), 3, 16, S8, List.of()), f);
        assertEquals(4, leases.tryAcquire(4).orElseThrow().size(), "the ring is released");
    }

    @Test
    void tokenSelectionHandsEveryRanksQuerySumsToFinalizeInRankOrder() throws Exception {
        Map<Integer, QuerySums> sent = new ConcurrentHashMap<>();
        gateway.behaviour = (w, r) -> {
            if (!(r instanceof ShardTask t)) return FakeGateway.answer(w, r);
            ShardResult s = FakeGateway.shard(t, w.name());
            QuerySums q = new QuerySums(1, 2);
            sent.put(t.rank(), q);
            return new ShardResult(s.rank(), s.worker(), s.positions(), s.nll(), s.hiddenSum(), s.computeNanos(), s.ringWaitNanos(),
                    s.bytesSent(), q);
        };
        SegmentExecutor executor = executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER);
        executor.run("job-1", "doc-a", IDS, 1, 3, S8.withKeepRatio(0.5), false, () -> false, failures::incrementAndGet);
        FinalizeTask f = gateway.requests(FinalizeTask.class).getFirst();
        assertEquals(List.of(sent.get(0), sent.get(1), sent.get(2)), f.queries());
        assertEquals(0.5, f.settings().keepRatio());
    }

    @Test
    void theDocumentsLastTokenHasNoNll() throws Exception {
        SegmentOutcome o = run(executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER), 2, 2, false);
        assertEquals(16, o.start());
        assertEquals(20, o.end());
        assertEquals(-1, gateway.requests(ShardTask.class).getFirst().nextToken());
        for (int i = 0; i < 3; i++) assertEquals(FakeGateway.nllAt(16 + i), o.nll()[i], 0.0);
        assertTrue(Double.isNaN(o.nll()[3]));
        assertNull(o.embeddingSum(), "no embedding unless asked");
        for (ShardTask t : gateway.requests(ShardTask.class)) assertTrue(!t.embed());
    }

    @Test
    void aShortLastSegmentRunsOnFewerRanks() throws Exception {
        int[] ids = Arrays.copyOf(IDS, 18); // segments [0,8) [8,16) [16,18)
        WorkerLeases leases = new WorkerLeases(gateway, RUNNER.quarantine());
        SegmentOutcome o = executor(leases, RUNNER).run("job-1", "doc-a", ids, 2, 3, S8, false, () -> false, failures::incrementAndGet);
        assertEquals(2, o.workers());
        List<ShardTask> shards = gateway.requests(ShardTask.class);
        assertEquals(2, shards.size());
        for (ShardTask t : shards) {
            assertEquals(2, t.ranks());
            assertArrayEquals(new int[]{ids[16], ids[17]}, t.segmentIds());
        }
        assertEquals(2, gateway.requests(FinalizeTask.class).getFirst().ranks());
        assertEquals(FakeGateway.nllAt(16), o.nll()[0], 0.0);
        assertTrue(Double.isNaN(o.nll()[1]));
    }

    @Test
    void aSegmentOfFewerQueryChunksThanRanksRunsOnOneRankPerChunk() throws Exception {
        SegmentConfig blocksOf4 = new SegmentConfig(8, 4, 2, 4, "int8", 4, 0, true); // 2 chunks of 4 per segment
        SegmentOutcome o = executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER)
                .run("job-1", "doc-a", IDS, 1, 3, blocksOf4, false, () -> false, failures::incrementAndGet);
        assertEquals(2, o.workers());
        for (ShardTask t : gateway.requests(ShardTask.class)) assertEquals(2, t.ranks());
        for (int i = 0; i < 8; i++) assertEquals(FakeGateway.nllAt(8 + i), o.nll()[i], 0.0, "NLL at " + (8 + i));
    }

    @Test
    void aFailedRankOnAnUnreachableWorkerIsRetriedOnOthers() throws Exception {
        SegmentOutcome undisturbed = run(executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER), 1, 2, true);
        gateway.calls.clear();

        WorkerRef dead = FakeGateway.unreachableWorker("worker-0");
        gateway.workers.addFirst(dead);
        gateway.behaviour = (w, r) -> {
            if (w.equals(dead)) throw new RingmemException("connection to the ring neighbour was lost");
            return FakeGateway.answer(w, r);
        };
        WorkerLeases leases = new WorkerLeases(gateway, RUNNER.quarantine());
        SegmentOutcome o = run(executor(leases, RUNNER), 1, 2, true);

        assertEquals(1, failures.get(), "onFailure once per failed attempt");
        List<FakeGateway.Call> shards = gateway.calls(ShardTask.class);
        assertEquals(List.of("worker-0", "worker-1", "worker-1", "worker-2"), workersOf(shards));
        assertEquals(List.of("worker-1"), workersOf(gateway.calls(FinalizeTask.class)), "only the second attempt finalizes");
        assertArrayEquals(undisturbed.nll(), o.nll(), 0.0, "a retried segment gives the undisturbed result");
        assertArrayEquals(undisturbed.embeddingSum(), o.embeddingSum());
        assertEquals(2, o.workers());
        assertTrue(!leases.healthy().contains(dead), "the unreachable worker is suspected");
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.getFirst().contains("connection to the ring neighbour was lost"), log.getFirst());
        assertTrue(log.getFirst().contains("unreachable: [worker-0]"), log.getFirst());
    }

    @Test
    void theSameFailureTwiceWithEveryWorkerReachableFailsAtOnce() {
        gateway.behaviour = (w, r) -> {
            if (r instanceof ShardTask t && t.rank() == 1) throw new IllegalStateException("token 9999 is outside the vocabulary");
            return FakeGateway.answer(w, r);
        };
        WorkerLeases leases = new WorkerLeases(gateway, RUNNER.quarantine());
        SegmentExecutor.SegmentFailedException e = assertThrows(SegmentExecutor.SegmentFailedException.class,
                () -> run(executor(leases, RUNNER), 0, 2, false));
        assertEquals("IllegalStateException: token 9999 is outside the vocabulary", e.getMessage());
        assertEquals(2, failures.get(), "two attempts, not maxAttempts (4)");
        assertEquals(4, gateway.requests(ShardTask.class).size());
        assertTrue(gateway.requests(FinalizeTask.class).isEmpty());
        assertEquals(4, leases.tryAcquire(4).orElseThrow().size(), "nobody suspected, every ring released");
    }

    @Test
    void differentFailuresAreRetriedUpToMaxAttempts() {
        RunnerSettings twice = new RunnerSettings(RUNNER.stepTimeout(), RUNNER.segmentTimeout(), RUNNER.acquireTimeout(), 2,
                RUNNER.probeTimeout(), RUNNER.quarantine());
        AtomicInteger n = new AtomicInteger();
        gateway.behaviour = (w, r) -> {
            if (r instanceof ShardTask t && t.rank() == 0) throw new RingmemException("glitch " + n.incrementAndGet());
            return FakeGateway.answer(w, r);
        };
        SegmentExecutor.SegmentFailedException e = assertThrows(SegmentExecutor.SegmentFailedException.class,
                () -> run(executor(new WorkerLeases(gateway, twice.quarantine()), twice), 2, 3, false));
        assertEquals("segment 2 of 'doc-a' failed 2 times; last error: glitch 2", e.getMessage());
        assertEquals(2, failures.get());
    }

    @Test
    void aFailedFinalizeIsRetried() throws Exception {
        AtomicInteger finalizes = new AtomicInteger();
        gateway.behaviour = (w, r) -> {
            if (r instanceof FinalizeTask && finalizes.incrementAndGet() == 1) throw new RingmemException("store write failed");
            return FakeGateway.answer(w, r);
        };
        SegmentOutcome o = run(executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER), 0, 2, false);
        assertEquals(2, finalizes.get());
        assertEquals(1, failures.get());
        assertEquals(4, gateway.requests(ShardTask.class).size(), "the whole segment runs again");
        List<ShardTask> shards = gateway.requests(ShardTask.class);
        List<FinalizeTask> fins = gateway.requests(FinalizeTask.class);
        assertEquals(shards.get(2).session(), fins.get(1).session(), "the finalize of the second attempt names its session");
        for (int i = 0; i < 8; i++) assertEquals(FakeGateway.nllAt(i), o.nll()[i], 0.0);
        assertTrue(log.getFirst().contains("store write failed"), log.toString());
    }

    @Test
    void aCancelledJobRunsNothing() {
        assertThrows(SegmentExecutor.CancelledException.class, () -> executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER)
                .run("job-1", "doc-a", IDS, 0, 2, S8, false, () -> true, failures::incrementAndGet));
        assertTrue(gateway.calls.isEmpty());
    }

    @Test
    void cancellationAfterAFailedAttemptStopsTheRetries() {
        AtomicBoolean cancelled = new AtomicBoolean();
        gateway.behaviour = (w, r) -> {
            if (r instanceof ShardTask) throw new RingmemException("worker busy");
            return FakeGateway.answer(w, r);
        };
        WorkerLeases leases = new WorkerLeases(gateway, RUNNER.quarantine());
        assertThrows(SegmentExecutor.CancelledException.class, () -> executor(leases, RUNNER)
                .run("job-1", "doc-a", IDS, 0, 2, S8, false, cancelled::get, () -> cancelled.set(true)));
        assertEquals(2, gateway.requests(ShardTask.class).size(), "one attempt only");
        assertEquals(4, leases.tryAcquire(4).orElseThrow().size(), "the ring is released");
    }

    @Test
    void cancellationWhileWaitingForWorkersEndsTheWait() {
        gateway.workers.clear();
        RunnerSettings patient = new RunnerSettings(RUNNER.stepTimeout(), RUNNER.segmentTimeout(), Duration.ofMinutes(10), 4,
                RUNNER.probeTimeout(), RUNNER.quarantine());
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            cancelled.set(true);
        });
        // the guard only keeps a regression from hanging the build for the 10 minutes of acquireTimeout
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(SegmentExecutor.CancelledException.class,
                () -> executor(new WorkerLeases(gateway, patient.quarantine()), patient)
                        .run("job-1", "doc-a", IDS, 0, 2, S8, false, cancelled::get, failures::incrementAndGet)));
        assertTrue(gateway.calls.isEmpty());
        canceller.interrupt();
    }

    @Test
    void noWorkersWithinTheAcquireTimeoutFailsTheSegment() {
        gateway.workers.clear();
        RunnerSettings impatient = new RunnerSettings(RUNNER.stepTimeout(), RUNNER.segmentTimeout(), Duration.ofMillis(200), 4,
                RUNNER.probeTimeout(), RUNNER.quarantine());
        WorkerLeases.NoWorkersException e = assertThrows(WorkerLeases.NoWorkersException.class,
                () -> executor(new WorkerLeases(gateway, impatient.quarantine()), impatient)
                        .run("job-1", "doc-a", IDS, 0, 2, S8, false, () -> false, failures::incrementAndGet));
        assertTrue(e.getMessage().startsWith("no 2 workers became available"), e.getMessage());
        assertNotNull(e.getMessage());
    }

    @Test
    void aSegmentOfEveryRankSizeCoversEveryPosition() throws Exception {
        for (int ranks = 1; ranks <= 4; ranks++) {
            gateway.calls.clear();
            SegmentOutcome o = run(executor(new WorkerLeases(gateway, RUNNER.quarantine()), RUNNER), 0, ranks, true);
            assertEquals(ranks, o.workers());
            List<Double> nll = new ArrayList<>();
            for (double v : o.nll()) nll.add(v);
            for (int i = 0; i < 8; i++) assertEquals(FakeGateway.nllAt(i), nll.get(i), 0.0, "P=" + ranks + " position " + i);
            assertArrayEquals(new float[]{8, 28}, o.embeddingSum(), "P=" + ranks);
        }
    }
}
