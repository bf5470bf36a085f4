package io.ringmem.worker.ring;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.ringmem.RingmemException;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.ringmem.worker.ring.TestRing.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Over real TCP: strangers are closed and never disturb a ring; authenticated frames are bounded per session. */
@Timeout(120)
class RingAdmissionTest {
    private static final Duration STEP = Duration.ofSeconds(30);

    private static Socket connect(RingServer server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), HostPort.parse(server.address()).port());
        s.setSoTimeout(20_000);
        return s;
    }

    /** True once the peer closed: reads (and drops) until end of stream or a reset. */
    private static boolean closedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // the CHALLENGE, then nothing until the close
            }
            return true;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Test
    void aSilentPeerIsClosedAtTheHandshakeDeadline() throws Exception {
        RingServerConfig config = RingServerConfig.of("127.0.0.1", 0).withHandshakeTimeout(Duration.ofMillis(300));
        try (RingServer server = RingServer.start(config); Socket s = connect(server)) {
            long t0 = System.nanoTime();
            assertTrue(closedByPeer(s));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 250 && ms < 10_000, "closed after " + ms + " ms");
            TcpRingChannelTest.await(() -> server.acceptedConnections() == 0 && server.unauthenticatedConnections() == 0);
        }
    }

    @Test
    void strangersAnnouncingHugeFramesAreClosedAtOnceWithoutReservingMemory() throws Exception {
        // the tester's reproduction: two 8-byte connections announcing 1 GiB frames
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        try (RingServer server = RingServer.start("127.0.0.1", 0); Socket a = connect(server); Socket b = connect(server)) {
            long before = metric.usedDirectMemory() + metric.usedHeapMemory();
            for (Socket s : List.of(a, b)) {
                s.getOutputStream().write(TestRing.bytes(ByteBufAllocator.DEFAULT.heapBuffer().writeIntLE(1 << 30).writeIntLE(0)));
                s.getOutputStream().flush();
            }
            assertTrue(closedByPeer(a) && closedByPeer(b));
            long grown = metric.usedDirectMemory() + metric.usedHeapMemory() - before;
            assertTrue(grown < 64L << 20, "allocator grew by " + grown + " bytes");
            assertEquals(2, server.refusedConnections());
            TcpRingChannelTest.await(() -> server.acceptedConnections() == 0);
        }
    }

    @Test
    void connectionsOverTheUnauthenticatedCapAreClosedOnAccept() throws Exception {
        RingServerConfig config = RingServerConfig.of("127.0.0.1", 0).withConnectionCaps(2, 4);
        try (RingServer server = RingServer.start(config); Socket a = connect(server); Socket b = connect(server)) {
            assertTrue(a.isConnected() && b.isConnected());
            TcpRingChannelTest.await(() -> server.unauthenticatedConnections() == 2);
            try (Socket c = connect(server)) {
                assertTrue(closedByPeer(c));
            }
            assertEquals(2, server.unauthenticatedConnections());
            assertTrue(server.refusedConnections() >= 1);
        }
    }

    @Test
    void aFrameOverTheSessionsBoundClosesTheLinkAndFailsTheSessionCleanly() throws Exception {
        String id = "bounded";
        try (RingServer server = RingServer.start("127.0.0.1", 0);
             TcpRingChannel rank1 = server.open(new RingSession(id, 1, 2, "127.0.0.1:1", STEP, TestRing.key(id))
                     .withMaxFrameBytes(4096));
             Socket raw = connect(server)) {
            CompletableFuture<KvBlock> waiting = rank1.receivePrev();
            TestRing.handshake(raw, id, 0, 2, "10.0.0.9:7000");
            OutputStream out = raw.getOutputStream();
            out.write(TestRing.bytes(ByteBufAllocator.DEFAULT.heapBuffer().writeIntLE(1 << 20).writeByte(KvBlockFrames.BLOCK)));
            out.flush();
            RingmemException e = failure(waiting);
            assertEquals("ring peer rank 0 (10.0.0.9:7000): malformed ring frame: longer than the session's max frame size of "
                    + KvBlockFrames.END_MAX_BYTES + " bytes (frame of 1048580 bytes) (session bounded)", e.getMessage());
            var end = (KvBlockFrames.End) TestRing.readFrame(raw.getInputStream());
            assertTrue(end.aborted());
            assertTrue(closedByPeer(raw));
            TcpRingChannelTest.await(() -> server.openSessions() == 0);
        }
    }

    @Test
    void aBlockOverTheSessionsBoundFailsOnlyItsSend() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            List<TcpRingChannel> chs = new ArrayList<>();
            for (int r = 0; r < 2; r++) chs.add(ring.server(r).open(ring.session("small", r, STEP).withMaxFrameBytes(9000)));
            KvBlock big = new KvBlock(0, 0, new int[64], new float[64 * 32], new float[64 * 32]); // 16.6 kB
            assertTrue(failure(chs.get(0).sendNext(big)).getMessage().contains("max frame size of 9000 bytes"));
            KvBlock small = new KvBlock(1, 0, new int[4], new float[4 * 32], new float[4 * 32]);
            chs.get(0).sendNext(small);
            TcpRingChannelTest.assertBlock(small, TcpRingChannelTest.take(chs.get(1).receivePrev()));
            TestRing.closeAll(chs);
        }
    }

    @Test
    void anAbortBeforeTheNextRankOpensReachesItWhenItDoes() throws Exception {
        try (TestRing ring = new TestRing(2)) {
            TcpRingChannel rank0 = ring.server(0).open(ring.session("late", 0, STEP));
            rank0.abort("out of memory");
            Thread.sleep(300); // rank 1 opens late: the abort's handshake is refused meanwhile and retried
            try (TcpRingChannel rank1 = ring.server(1).open(ring.session("late", 1, STEP))) {
                RingmemException e = failure(rank1.receivePrev());
                assertTrue(e.getMessage().endsWith(") aborted: out of memory"), e.getMessage());
            }
            rank0.close();
        }
    }

    @Test
    void manyStrangersDoNotStopARealRingFromGivingBitIdenticalResults() throws Exception {
        int ranks = 3;
        TcpRingAttentionTest.Inputs in = TcpRingAttentionTest.Inputs.random(77, 61);
        List<TcpRingAttentionTest.RankResult> expected = TcpRingAttentionTest.inMemory(ranks, in, true);
        RingServerConfig config = RingServerConfig.of("127.0.0.1", 0).withHandshakeTimeout(Duration.ofMillis(500));
        List<Socket> strangers = new ArrayList<>();
        try (TestRing ring = new TestRing(ranks, config)) {
            for (int r = 0; r < ranks; r++) {
                for (int i = 0; i < 32; i++) { // 21 silent ones fill the cap of 16 in the handshake until its deadline
                    Socket s = connect(ring.server(r));
                    strangers.add(s);
                    if (i % 3 == 0) s.getOutputStream().write(new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x3F, 1, 2, 3, 4});
                }
            }
            List<TcpRingChannel> chs = ring.open("job-5/doc-0/seg-0/attempt-1", STEP);
            List<TcpRingAttentionTest.RankResult> actual =
                    TestRing.runRanks(ranks, r -> TcpRingAttentionTest.runRank(chs.get(r), in, true));
            TestRing.closeAll(chs);
            TcpRingAttentionTest.assertSame(expected, actual);
            for (TcpRingChannel ch : chs) assertNull(ch.failure());
            for (int r = 0; r < ranks; r++) {
                long refused = ring.server(r).refusedConnections();
                assertTrue(refused >= 11, "refused " + refused); // at least those announcing a huge frame
            }
        } finally {
            for (Socket s : strangers) s.close();
        }
    }
}
