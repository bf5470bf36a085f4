package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accepting side of the ring handshake on an {@link EmbeddedChannel}, with a counting allocator: what a stranger
 * can make it allocate, and what closes the connection. The session it checks against is open on a real server.
 */
@Timeout(60)
class HandshakeTest {
    private static final String ID = "job-3/doc-0/seg-0/1";
    private static final byte[] KEY = TestRing.key(ID);

    /** Records every buffer it hands out. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicInteger largest = new AtomicInteger();
        final AtomicInteger total = new AtomicInteger();

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        private void count(int capacity) {
            largest.accumulateAndGet(capacity, Math::max);
            total.addAndGet(capacity);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            count(initialCapacity);
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            count(initialCapacity);
            return Unpooled.directBuffer(initialCapacity, maxCapacity);
        }
    }

    private RingServer server;
    private TcpRingChannel rank1;
    private final CountingAllocator alloc = new CountingAllocator();

    @BeforeEach
    void open() throws Exception {
        server = RingServer.start(RingServerConfig.of("127.0.0.1", 0).withHandshakeTimeout(Duration.ofSeconds(2)));
        rank1 = server.open(new RingSession(ID, 1, 2, "127.0.0.1:1", Duration.ofSeconds(30), KEY));
    }

    @AfterEach
    void close() throws Exception {
        rank1.close();
        server.close();
    }

    private EmbeddedChannel acceptor() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new AcceptorHandshake(server, () -> { }));
        ch.register(); // active: the acceptor sends its CHALLENGE
        return ch;
    }

    private static byte[] challengeOf(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        try {
            out.skipBytes(KvBlockFrames.LENGTH_BYTES);
            return ((KvBlockFrames.Challenge) KvBlockFrames.decode(out)).challenge();
        } finally {
            out.release();
        }
    }

    private static ByteBuf hello(String id, byte[] key, byte[] challenge, int rank) {
        byte[] nonce = RingAuth.nonce();
        return KvBlockFrames.encodeHello(ByteBufAllocator.DEFAULT, new KvBlockFrames.Hello(id, rank, 2, "10.0.0.9:7000", nonce,
                RingAuth.helloProof(key, challenge, id, rank, 2, nonce)));
    }

    private void assertRefusedAndSessionUntouched(EmbeddedChannel ch) {
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "connection should be closed");
        assertTrue(alloc.largest.get() <= KvBlockFrames.HELLO_MAX_BYTES, "largest allocation " + alloc.largest.get());
        assertNull(rank1.failure());
        assertEquals(1, server.openSessions());
        assertTrue(server.refusedConnections() >= 1);
        assertNull(ch.pipeline().get(FrameSplitter.class));
        ch.finishAndReleaseAll();
    }

    @Test
    void aHugeLengthPrefixAllocatesNothingAndCloses() throws Exception {
        EmbeddedChannel ch = acceptor();
        challengeOf(ch);
        int before = alloc.total.get(); // the CHALLENGE it sent
        ch.writeInbound(Unpooled.buffer().writeIntLE(0x3FFF_FFF0).writeByte(KvBlockFrames.BLOCK).writeIntLE(0));
        assertEquals(before, alloc.total.get(), "nothing allocated for the announced frame");
        assertRefusedAndSessionUntouched(ch);
    }

    @Test
    void aValidHelloByteByByteAuthenticatesWithBoundedMemory() throws Exception {
        EmbeddedChannel ch = acceptor();
        ByteBuf hello = hello(ID, KEY, challengeOf(ch), 0);
        while (hello.isReadable()) ch.writeInbound(hello.readRetainedSlice(1));
        hello.release();
        assertTrue(ch.isOpen());
        assertTrue(alloc.largest.get() <= KvBlockFrames.HELLO_MAX_BYTES, "largest allocation " + alloc.largest.get());
        ByteBuf proof = ch.readOutbound();
        proof.skipBytes(KvBlockFrames.LENGTH_BYTES);
        assertNotNull(((KvBlockFrames.Proof) KvBlockFrames.decode(proof)).proof());
        proof.release();
        assertNotNull(ch.pipeline().get(FrameSplitter.class), "frames are decoded only after the handshake");
        assertNotNull(ch.pipeline().get(InboundLink.class));
        assertNull(ch.pipeline().get(AcceptorHandshake.class));
        ch.finishAndReleaseAll();
    }

    @Test
    void aWrongProofCloses() throws Exception {
        EmbeddedChannel ch = acceptor();
        ch.writeInbound(hello(ID, TestRing.key("another key"), challengeOf(ch), 0));
        assertRefusedAndSessionUntouched(ch);
    }

    @Test
    void aReplayedHelloCloses() throws Exception {
        EmbeddedChannel first = acceptor();
        ByteBuf recorded = hello(ID, KEY, challengeOf(first), 0);
        first.finishAndReleaseAll();
        EmbeddedChannel second = acceptor(); // a fresh challenge: the recorded proof does not answer it
        challengeOf(second);
        second.writeInbound(recorded);
        assertRefusedAndSessionUntouched(second);
    }

    @Test
    void aHelloProvenForAnotherSessionCloses() throws Exception {
        String other = "job-4/doc-0/seg-0/1";
        try (TcpRingChannel otherRank1 = server.open(new RingSession(other, 1, 2, "127.0.0.1:1", Duration.ofSeconds(30),
                TestRing.key(other)))) {
            EmbeddedChannel ch = acceptor();
            byte[] challenge = challengeOf(ch);
            // a member of the other session names this one, with its own (valid elsewhere) key
            ch.writeInbound(hello(ID, TestRing.key(other), challenge, 0));
            ch.runPendingTasks();
            assertFalse(ch.isOpen());
            assertNull(otherRank1.failure());
            assertNull(rank1.failure());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aSessionNotOpenHereCloses() throws Exception {
        EmbeddedChannel ch = acceptor();
        ch.writeInbound(hello("nobody/0", TestRing.key("nobody/0"), challengeOf(ch), 0));
        assertRefusedAndSessionUntouched(ch);
        assertEquals(0, server.unopenedSessions());
    }

    @Test
    void bytesAfterHelloBeforeTheProofClose() throws Exception {
        EmbeddedChannel ch = acceptor();
        ByteBuf hello = hello(ID, KEY, challengeOf(ch), 0);
        ch.writeInbound(Unpooled.wrappedBuffer(hello, Unpooled.buffer().writeIntLE(1 << 20)));
        assertRefusedAndSessionUntouched(ch);
    }

    @Test
    void aPeerSilentPastTheHandshakeDeadlineIsClosed() throws Exception {
        EmbeddedChannel ch = acceptor();
        challengeOf(ch);
        ch.writeInbound(Unpooled.buffer().writeIntLE(100).writeByte(KvBlockFrames.HELLO)); // then nothing
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "not before the deadline");
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertRefusedAndSessionUntouched(ch);
    }
}
