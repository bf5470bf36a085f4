package io.ringmem.worker.ring;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes what a ring port does with an unauthenticated connection's bytes, as {@link AcceptorHandshake} and
 * {@link ConnectorHandshake} do: {@link HandshakeReader} reads one frame of at most {@link KvBlockFrames#HELLO_MAX_BYTES}
 * from reads of fuzzed sizes (byte 0 seeds them), then {@link KvBlockFrames#decode} decodes it. Contract: a
 * {@link RingmemException} or a frame of at most the limit; the reader never holds more than the limit whatever
 * length the peer announces; allocation stays within {@link FuzzContract}'s budget; no buffer leaks.
 */
class HandshakeFuzzTest {
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(readsHello(), 2000, this::readsHello);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void readsHello(byte[] data) throws Exception {
        if (data.length < 1) return;
        SplittableRandom reads = new SplittableRandom(data[0]);
        byte[] stream = Arrays.copyOfRange(data, 1, data.length);
        FuzzContract.check(data.length, FuzzContract.only(RingmemException.class), () -> {
            HandshakeReader reader = new HandshakeReader();
            try {
                for (int at = 0; at < stream.length; ) {
                    int n = Math.min(stream.length - at, 1 + reads.nextInt(48));
                    ByteBuf in = Unpooled.wrappedBuffer(stream, at, n);
                    at += n;
                    ByteBuf frame = reader.read(HEAP, in, KvBlockFrames.HELLO_MAX_BYTES);
                    if (frame == null) continue;
                    try {
                        assertTrue(frame.readableBytes() + 4 <= KvBlockFrames.HELLO_MAX_BYTES, "handshake frame over the limit");
                        KvBlockFrames.decode(frame);
                    } finally {
                        frame.release();
                    }
                    return; // a connection reads one handshake frame, then authenticates or closes
                }
            } finally {
                reader.release();
            }
        });
    }

    static Stream<Arguments> readsHello() {
        byte[] nonce = new byte[RingAuth.NONCE_BYTES], proof = new byte[RingAuth.MAC_BYTES];
        Arrays.fill(proof, (byte) 0x5A);
        byte[] hello = ByteBufUtil.getBytes(KvBlockFrames.encodeHello(HEAP, new KvBlockFrames.Hello("job-1/segment-0", 1, 3,
                "127.0.0.1:7101", nonce, proof)));
        byte[] challenge = ByteBufUtil.getBytes(KvBlockFrames.encodeChallenge(HEAP, nonce));
        byte[] accept = ByteBufUtil.getBytes(KvBlockFrames.encodeProof(HEAP, proof));
        return Stream.of(hello, challenge, accept).map(f -> {
            byte[] seed = new byte[f.length + 1];
            seed[0] = 3;
            System.arraycopy(f, 0, seed, 1, f.length);
            return Arguments.of((Object) seed);
        });
    }
}
