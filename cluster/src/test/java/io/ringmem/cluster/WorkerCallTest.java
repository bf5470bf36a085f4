package io.ringmem.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Member;
import io.ringmem.TestPorts;
import io.ringmem.kv.IndexLayout;
import io.ringmem.protocol.FinalizeResult;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.GenerateTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.protocol.WorkerRequest;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.crypto.SealedValueException;
import io.ringmem.store.crypto.StoreCipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker calls between two real Hazelcast members started with a cluster secret: requests and replies travel sealed
 * (Kryo records, no Java serialization), a worker's failure comes back as its message, and a call sealed under
 * another key never reaches the handler.
 */
class WorkerCallTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("worker call test secret 0123456789");
    private static final SegmentConfig SETTINGS = SegmentConfig.of(64);
    private static final AtomicInteger handled = new AtomicInteger();
    private static HazelcastInstance coordinator;
    private static HazelcastInstance worker;

    @BeforeAll
    static void start() throws IOException {
        int a = TestPorts.free(), b = TestPorts.free();
        List<String> members = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
        ClusterOptions c = new ClusterOptions("calls", members, a, Optional.empty(), Optional.empty(), "none", 10)
                .withSecret(SECRET);
        coordinator = Hazelcast.newHazelcastInstance(c.memberConfig("calls-c", Map.of(), new ConcurrentHashMap<>()));
        ClusterOptions w = new ClusterOptions("calls", members, b, Optional.empty(), Optional.empty(), "none", 10)
                .withSecret(SECRET);
        worker = Hazelcast.newHazelcastInstance(w.memberConfig("calls-w", Map.of(), new ConcurrentHashMap<>()));
        worker.getUserContext().put(RequestHandler.CONTEXT_KEY, new Echo());
        for (int i = 0; i < 200 && coordinator.getCluster().getMembers().size() < 2; i++) sleep();
        assertEquals(2, coordinator.getCluster().getMembers().size(), "members did not join");
    }

    @AfterAll
    static void stop() {
        if (worker != null) worker.shutdown();
        if (coordinator != null) coordinator.shutdown();
    }

    /** Answers shard tasks with their positions, finalize tasks with the query sums' count, fails generate tasks. */
    static final class Echo implements RequestHandler {
        @Override
        @SuppressWarnings("unchecked")
        public <R extends Serializable> R handle(WorkerRequest<R> request) {
            handled.incrementAndGet();
            return switch (request) {
                case ShardTask t -> (R) new ShardResult(t.rank(), "w", t.segmentIds(), new double[t.segmentIds().length],
                        null, 1, 2, t.sessionNonce().length, QuerySums.of(new double[][] {{1, 2}, {3, 4}}, new long[] {5, 6}));
                case FinalizeTask f -> (R) new FinalizeResult(f.queries().size(), f.end(), f.session());
                case GenerateTask g -> throw new IllegalStateException("no model for prompt of " + g.promptIds().length);
                default -> throw new IllegalArgumentException("unexpected " + request);
            };
        }
    }

    @Test
    void requestsAndRepliesRoundTripSealed() throws Exception {
        TaskCodec codec = TaskCodec.of(coordinator);
        assertTrue(codec.cipher().encrypted());
        int[] tokens = {11, 22, 33, 44};
        ShardTask task = new ShardTask("job-1", "doc-1", 0, 7, 0, 1, "zigzag", "127.0.0.1:1", tokens, 0, -1, SETTINGS,
                true, false, 1000, ShardTask.newSessionNonce());
        WorkerCall call = WorkerCall.of(task, codec);
        ShardResult r = (ShardResult) codec.openReply(call.callId(), submit(call));
        assertArrayEquals(tokens, r.positions());
        assertEquals(ShardTask.SESSION_NONCE_BYTES, r.bytesSent(), "the session nonce arrived");
        assertArrayEquals(new long[] {5, 6}, r.queries().counts());
        assertNull(r.hiddenSum());

        FinalizeTask fin = new FinalizeTask("job-1", "doc-1", 0, 7, 2, 64, SegmentConfig.builder().segmentTokens(64).keepRatio(0.5).build(),
                List.of(QuerySums.of(new double[][] {{1}}, new long[] {1}), QuerySums.of(new double[][] {{2}}, new long[] {2})));
        WorkerCall fc = WorkerCall.of(fin, codec);
        assertEquals(new FinalizeResult(2, 64, 7), codec.openReply(fc.callId(), submit(fc)));
    }

    @Test
    void segmentSettingsWithTheTwoLevelIndexTravelIntact() {
        TaskCodec codec = TaskCodec.of(coordinator);
        SegmentConfig two = SegmentConfig.builder().segmentTokens(64).retrievalIndex("two-level").indexSegments(12).build();
        FinalizeTask fin = new FinalizeTask("job-1", "doc-1", 0, 7, 1, 64, two, List.of());
        FinalizeTask back = (FinalizeTask) codec.openRequest("call-9", codec.sealRequest("call-9", fin));
        assertEquals(two, back.settings());
        assertEquals(IndexLayout.TWO_LEVEL, back.settings().retrievalIndex());
        assertEquals(12, back.settings().indexSegments());
    }

    @Test
    void theSessionKeyAndTokensNeverTravelInClear() {
        TaskCodec codec = TaskCodec.of(coordinator);
        byte[] key = ShardTask.newSessionNonce();
        int[] tokens = {0x11223344, 0x55667788, 0x0a0b0c0d, 0x01020304};
        byte[] sealed = codec.sealRequest("call-1", new ShardTask("job-1", "doc-1", 0, 7, 0, 1, "zigzag", "h:1", tokens, 0, -1,
                SETTINGS, true, false, 1000, key));
        assertFalse(contains(sealed, Arrays.copyOf(key, 8)), "session key in clear");
        assertFalse(contains(sealed, "doc-1".getBytes()), "document id in clear");
        ByteBuffer b = ByteBuffer.allocate(8);
        b.putInt(tokens[0]).putInt(tokens[1]);
        assertFalse(contains(sealed, b.array()), "token ids in clear");
        assertThrows(SealedValueException.class, () -> codec.openRequest("call-2", sealed), "a request moved to another call");
    }

    @Test
    void aWorkerFailureComesBackAsItsMessage() throws Exception {
        TaskCodec codec = TaskCodec.of(coordinator);
        WorkerCall call = WorkerCall.of(new GenerateTask(new int[] {1, 2, 3}, 4, 1, 1, 0, new int[0]), codec);
        byte[] reply = submit(call);
        WorkerFailure f = assertThrows(WorkerFailure.class, () -> codec.openReply(call.callId(), reply));
        assertEquals("IllegalStateException", f.kind());
        assertEquals("IllegalStateException: no model for prompt of 3", f.getMessage());
        assertThrows(SealedValueException.class, () -> codec.openReply("another-call", reply), "a reply passed off as another call's");
    }

    @Test
    void aCallSealedUnderAnotherKeyNeverReachesTheHandler() throws Exception {
        TaskCodec stranger = new TaskCodec(StoreCipher.of(ClusterSecret.of("a stranger's secret, not ours!!")));
        int before = handled.get();
        WorkerCall call = WorkerCall.of(new GenerateTask(new int[] {1}, 1, 1, 1, 0, new int[0]), stranger);
        byte[] reply = submit(call);
        assertEquals(before, handled.get(), "the handler ran a forged call");
        // the member answers with a failure sealed under the cluster key: the stranger cannot even read why
        assertThrows(SealedValueException.class, () -> stranger.openReply(call.callId(), reply));
        WorkerFailure f = assertThrows(WorkerFailure.class, () -> TaskCodec.of(coordinator).openReply(call.callId(), reply));
        assertTrue(f.getMessage().contains("sealed under key id"), f.getMessage());
    }

    /**
     * An exception outside the sealed reply (Hazelcast's own remote failures travel Java-serialized) must still reach
     * the caller through the Java deserialization filter, not hang the call.
     */
    @Test
    void anExceptionThrownOnTheMemberStillArrives() throws Exception {
        int port = TestPorts.free();
        List<String> members = new ArrayList<>(coordinator.getCluster().getMembers().stream()
                .map(m -> "127.0.0.1:" + m.getAddress().getPort()).toList());
        members.add("127.0.0.1:" + port);
        ClusterOptions o = new ClusterOptions("calls", members, port, Optional.empty(), Optional.empty(), "none", 10).withSecret(SECRET);
        var config = o.memberConfig("calls-x", Map.of(), new ConcurrentHashMap<>());
        config.getUserContext().remove(TaskCodec.CONTEXT_KEY);
        HazelcastInstance bare = Hazelcast.newHazelcastInstance(config);
        try {
            WorkerCall call = WorkerCall.of(new GenerateTask(new int[] {1}, 1, 1, 1, 0, new int[0]), TaskCodec.of(coordinator));
            var f = coordinator.getExecutorService(io.ringmem.protocol.ClusterNames.EXECUTOR)
                    .submitToMember(call, bare.getCluster().getLocalMember());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> f.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("has no task codec"), e.toString());
        } finally {
            bare.shutdown();
        }
    }

    private static byte[] submit(WorkerCall call) throws Exception {
        Member target = worker.getCluster().getLocalMember();
        return coordinator.getExecutorService(io.ringmem.protocol.ClusterNames.EXECUTOR).submitToMember(call, target)
                .get(30, TimeUnit.SECONDS);
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
