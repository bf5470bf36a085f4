package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringmem.RingmemException;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.ringmem.worker.ring.TestRing.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery and failure semantics of TcpRingChannel over real TCP on 127.0.0.1. No timing assertions. */
@Timeout(60)
class TcpRingChannelTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final byte[] K = TestRing.key("k");

    static KvBlock block(int layer, int rank, int tokens) {
        return KvBlockFramesTest.randomBlock(new Random(31L * layer + rank), tokens, 8);
    }

    static KvBlock take(CompletableFuture<KvBlock> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    static void assertBlock(KvBlock expected, KvBlock actual) {
        assertEquals(expected.layer(), actual.layer());
        assertEquals(expected.sourceRank(), actual.sourceRank());
        assertArrayEquals(expected.positions(), actual.positions());
        assertArrayEquals(KvBlockFramesTest.bits(expected.k()), KvBlockFramesTest.bits(actual.k()));
        assertArrayEquals(KvBlockFramesTest.bits(expected.v()), KvBlockFramesTest.bits(actual.v()));
    }

    static void assertMentions(RingmemException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }

    /** Waits (bounded by the test timeout) until {@code condition} holds. */
    static void await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) Thread.sleep(5);
    }

    @Test
    void blocksArriveInOrderIncludingEmptyOnes() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            List<TcpRingChannel> chs = ring.open("order", STEP);
            KvBlock[] sent = {block(0, 0, 5), block(1, 0, 0), block(2, 0, 1), block(3, 0, 300)};
            CompletableFuture<KvBlock> first = chs.get(1).receivePrev(); // pending before anything was sent
            for (KvBlock b : sent) chs.get(0).sendNext(b);
            assertBlock(sent[0], take(first));
            for (int i = 1; i < sent.length; i++) assertBlock(sent[i], take(chs.get(1).receivePrev()));
            TestRing.closeAll(chs);
        }
    }

    @Test
    void blocksSentBeforeTheNextRankOpensAreDeliveredOnceItDoes() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            TcpRingChannel rank0 = ring.server(0).open(ring.session("early", 0, STEP));
            KvBlock[] sent = {block(0, 0, 3), block(1, 0, 4), block(2, 0, 2)};
            List<CompletableFuture<Void>> sends = List.of(rank0.sendNext(sent[0]), rank0.sendNext(sent[1]), rank0.sendNext(sent[2]));
            await(() -> ring.server(1).refusedConnections() > 0); // the handshake names a session not open there: retried
            assertEquals(0, ring.server(1).unopenedSessions());
            try (TcpRingChannel rank1 = ring.server(1).open(ring.session("early", 1, STEP))) {
                for (CompletableFuture<Void> f : sends) f.get(20, TimeUnit.SECONDS);
                for (KvBlock b : sent) assertBlock(b, take(rank1.receivePrev()));
            }
            rank0.close();
        }
    }

    @Test
    void orderlyCloseEndsTheLinkWithoutFailingAnyone() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            List<TcpRingChannel> chs = ring.open("orderly", STEP);
            KvBlock b = block(0, 0, 2);
            chs.get(0).sendNext(b).get(20, TimeUnit.SECONDS);
            chs.get(0).close();
            assertBlock(b, take(chs.get(1).receivePrev()));
            assertMentions(failure(chs.get(1).receivePrev()), "ring peer rank 0 (" + ring.address(0) + ") ended ring session orderly");
            assertEquals(null, chs.get(1).failure());
            chs.get(1).close();
            assertMentions(failure(chs.get(1).receivePrev()), "is closed on rank 1");
            assertMentions(failure(chs.get(0).sendNext(b)), "is closed on rank 0");
            await(() -> ring.server(0).openSessions() == 0 && ring.server(1).openSessions() == 0);
        }
    }

    @Test
    void secondOpenOfTheSameRankIsRefused() {
        try (TestRing ring = new TestRing(2); TcpRingChannel ch = ring.server(0).open(ring.session("twice", 0, STEP))) {
            assertThrows(IllegalStateException.class, () -> ring.server(0).open(ring.session("twice", 0, STEP)));
        }
    }

    @Test
    void peerDeathFailsAPendingReceiveNamingThePeerAndCascades() throws Exception {
        try (TestRing ring = new TestRing(3)) {
            List<TcpRingChannel> chs = ring.open("job-9/doc-0/seg-0/attempt-1", STEP);
            for (int r = 0; r < 3; r++) chs.get(r).sendNext(block(0, r, 4));
            for (int r = 0; r < 3; r++) take(chs.get(r).receivePrev()); // every link is connected now
            CompletableFuture<KvBlock> waiting1 = chs.get(1).receivePrev(), waiting2 = chs.get(2).receivePrev();
            String deadAddress = ring.address(0);
            ring.server(0).close(); // what rank 1 sees of a killed worker: its connection closes before END

            // each survivor learns it from its own link to rank 0 or from the other survivor's abort, whichever comes
            // first: "ring peer rank 0 (addr) disconnected" or "ring peer rank 2 (addr2) aborted: ring peer rank 0 ..."
            String root = "ring peer rank 0 (" + deadAddress + ") disconnected";
            RingmemException e1 = failure(waiting1);
            assertTrue(e1.getMessage().endsWith(root), e1.getMessage());
            RingmemException e2 = failure(waiting2);
            assertTrue(e2.getMessage().endsWith(root), e2.getMessage());
            // later calls fail at once with the same exception
            assertSame(e1, failure(chs.get(1).receivePrev()));
            assertSame(e1, failure(chs.get(1).sendNext(block(1, 1, 1))));
            chs.get(1).close();
            chs.get(2).close();
        }
    }

    @Test
    void connectRefusedFailsTheSend() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (RingServer server = RingServer.start("127.0.0.1", 0);
             TcpRingChannel ch = server.open(new RingSession("refused", 0, 2, "127.0.0.1:" + port, STEP, K))) {
            CompletableFuture<KvBlock> receive = ch.receivePrev();
            RingmemException e = failure(ch.sendNext(block(0, 0, 2)));
            assertEquals("ring rank 0 cannot connect to the next rank 1 at 127.0.0.1:" + port + ": Connection refused", e.getMessage());
            assertSame(e, failure(receive)); // the session failed as a whole
        }
    }

    @Test
    void abortFailsThePeersPendingReceive() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            List<TcpRingChannel> chs = ring.open("abort", STEP);
            chs.get(0).sendNext(block(0, 0, 3));
            take(chs.get(1).receivePrev());
            CompletableFuture<KvBlock> waiting = chs.get(1).receivePrev(), own = chs.get(0).receivePrev();
            chs.get(0).abort("model failed to load");
            assertEquals("ring session abort aborted on rank 0: model failed to load", failure(own).getMessage());
            assertEquals("ring peer rank 0 (" + ring.address(0) + ") aborted: model failed to load", failure(waiting).getMessage());
            TestRing.closeAll(chs);
        }
    }

    @Test
    void abortBeforeAnySendStillReachesTheNextRank() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            List<TcpRingChannel> chs = ring.open("abort-early", STEP);
            CompletableFuture<KvBlock> waiting = chs.get(1).receivePrev();
            chs.get(0).abort("tokenizer mismatch");
            assertEquals("ring peer rank 0 (" + ring.address(0) + ") aborted: tokenizer mismatch", failure(waiting).getMessage());
            TestRing.closeAll(chs);
        }
    }

    @Test
    void abortTravelsBackwardsToThePreviousRank() throws Exception {
        try (TestRing ring = new TestRing(3)) {
            // rank 2 never opens, so rank 0 can only learn of rank 1's abort over its own link 0 → 1
            List<TcpRingChannel> chs = List.of(ring.server(0).open(ring.session("backwards", 0, STEP)),
                    ring.server(1).open(ring.session("backwards", 1, STEP)));
            chs.get(0).sendNext(block(0, 0, 3));
            take(chs.get(1).receivePrev()); // link 0 → 1 is up; rank 0 waits on rank 2
            CompletableFuture<KvBlock> waiting0 = chs.get(0).receivePrev();
            chs.get(1).abort("out of memory");
            assertEquals("ring peer rank 1 (" + ring.address(1) + ") aborted: out of memory", failure(waiting0).getMessage());
            TestRing.closeAll(chs);
        }
    }

    @Test
    void receiveTimesOutWithoutEndingTheSession() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            List<TcpRingChannel> chs = ring.open("slow", Duration.ofMillis(200));
            RingmemException e = failure(chs.get(1).receivePrev());
            assertEquals("ring rank 1 received no block from rank 0 (not connected) within 0.2 s (session slow)", e.getMessage());
            KvBlock b = block(0, 0, 2);
            chs.get(0).sendNext(b);
            assertBlock(b, take(chs.get(1).receivePrev()));
            TestRing.closeAll(chs);
        }
    }

    @Test
    void sendThatIsNeverFlushedTimesOut() throws Exception {
        // a "peer" that accepts the connection but never reads: the kernel buffers fill and the write never completes
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RingServer server = RingServer.start("127.0.0.1", 0);
             TcpRingChannel ch = server.open(new RingSession("stuck", 0, 2, "127.0.0.1:" + silent.getLocalPort(),
                     Duration.ofMillis(500), TestRing.key("stuck")))) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> TestRing.fakeAcceptor(silent, "stuck"));
            KvBlock big = new KvBlock(0, 0, new int[1 << 12], new float[(1 << 12) * 2048], new float[(1 << 12) * 2048]); // 64 MiB
            RingmemException e = failure(ch.sendNext(big));
            assertMentions(e, "ring rank 0 could not send a block to rank 1 (127.0.0.1:" + silent.getLocalPort() + ") within 0.5 s");
            accepted.get(20, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void malformedFrameFailsTheSessionAndTellsTheSender() throws Exception {
        try (RingServer server = RingServer.start("127.0.0.1", 0);
             TcpRingChannel rank1 = server.open(new RingSession("garbage", 1, 2, "127.0.0.1:1", STEP, TestRing.key("garbage")));
             Socket raw = new Socket(InetAddress.getLoopbackAddress(), HostPort.parse(server.address()).port())) {
            CompletableFuture<KvBlock> waiting = rank1.receivePrev();
            TestRing.handshake(raw, "garbage", 0, 2, "10.0.0.9:7000");
            OutputStream out = raw.getOutputStream();
            ByteBuf bad = ByteBufAllocator.DEFAULT.heapBuffer().writeIntLE(17).writeByte(KvBlockFrames.BLOCK)
                    .writeIntLE(0).writeIntLE(0).writeIntLE(3).writeIntLE(10); // 10 floats over 3 tokens
            out.write(TestRing.bytes(bad));
            out.flush();
            RingmemException e = failure(waiting);
            assertEquals("ring peer rank 0 (10.0.0.9:7000): malformed ring frame: BLOCK of 10 floats does not split over 3 tokens"
                    + " (session garbage)", e.getMessage());
            KvBlockFrames.End end = (KvBlockFrames.End) TestRing.readFrame(raw.getInputStream());
            assertTrue(end.aborted());
            assertEquals(e.getMessage(), end.reason());
        }
    }

    @Test
    void frameOverTheReceiversLimitFailsTheSession() throws Exception {
        try (RingServer server = RingServer.start(RingServerConfig.of("127.0.0.1", 0).withMaxFrameBytes(4096));
             TcpRingChannel rank1 = server.open(new RingSession("too-long", 1, 2, "127.0.0.1:1", STEP, TestRing.key("too-long")));
             Socket raw = new Socket(InetAddress.getLoopbackAddress(), HostPort.parse(server.address()).port())) {
            CompletableFuture<KvBlock> waiting = rank1.receivePrev();
            TestRing.handshake(raw, "too-long", 0, 2, "10.0.0.9:7000");
            OutputStream out = raw.getOutputStream();
            out.write(TestRing.bytes(ByteBufAllocator.DEFAULT.heapBuffer().writeIntLE(1 << 20).writeByte(KvBlockFrames.BLOCK)));
            out.flush();
            assertEquals("ring peer rank 0 (10.0.0.9:7000): malformed ring frame: longer than the session's max frame size of 4096 bytes"
                    + " (frame of 1048580 bytes) (session too-long)", failure(waiting).getMessage());
        }
    }

    @Test
    void peerOfTheWrongRingSizeIsRejected() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            TcpRingChannel rank1 = ring.server(1).open(ring.session("sizes", 1, STEP));
            CompletableFuture<KvBlock> waiting = rank1.receivePrev();
            // a rank 0 that believes the ring has 3 ranks, with rank 1 on server 1
            try (TcpRingChannel wrong = ring.server(0).open(new RingSession("sizes", 0, 3, ring.address(1), STEP, TestRing.key("sizes")))) {
                wrong.sendNext(block(0, 0, 1));
                assertEquals("ring session sizes: rank 1 of 2 expected blocks from rank 0 but rank 0 of a ring of 3 connected from "
                        + ring.address(0), failure(waiting).getMessage());
            }
            rank1.close();
        }
    }

    @Test
    void aSessionTheNextRankNeverOpensFailsTheSenderAfterItsStepTimeout() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            TcpRingChannel rank0 = ring.server(0).open(ring.session("orphan", 0, Duration.ofMillis(600)));
            CompletableFuture<KvBlock> waiting = rank0.receivePrev();
            rank0.sendNext(block(0, 0, 8));
            assertMentions(failure(waiting), "ring rank 0 could not authenticate with the next rank 1 at " + ring.address(1)
                    + " within 0.6 s");
            assertEquals(0, ring.server(1).unopenedSessions());
            assertEquals(0, ring.server(1).openSessions());
            rank0.close();
        }
    }

    @Test
    void blockOverTheMaxFrameSizeFailsOnlyItsSend() throws Exception {
        RingServerConfig config = RingServerConfig.of("127.0.0.1", 0).withMaxFrameBytes(4096);
        try (TestRing ring = new TestRing(2, config)) {
            List<TcpRingChannel> chs = ring.open("big", STEP);
            assertMentions(failure(chs.get(0).sendNext(block(0, 0, 100))), "over the ring's max frame size of 4096 bytes");
            KvBlock small = block(1, 0, 3);
            chs.get(0).sendNext(small);
            assertBlock(small, take(chs.get(1).receivePrev()));
            TestRing.closeAll(chs);
        }
    }

    @Test
    void sessionValidation() {
        assertThrows(IllegalArgumentException.class, () -> new RingSession(" ", 0, 2, "h:1", STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 2, 2, "h:1", STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 0, "h:1", STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, null, STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, "nohost", STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, "::1:80", STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, "h:0", STEP, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, "h:1", Duration.ZERO, K));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, "h:1", STEP, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> new RingSession("s", 0, 2, "h:1", STEP, null));
        assertEquals(new HostPort("::1", 80), HostPort.parse("[::1]:80"));
        assertEquals("[::1]:80", new HostPort("::1", 80).toString());
        RingSession s = new RingSession("s", 0, 3, "h:1", Duration.ofSeconds(2), K);
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertEquals(2, s.prevRank());
        assertEquals(1, s.nextRank());
    }
}
