package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringmem.RingmemException;
import io.ringmem.ring.RingChannel;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** P RingServers on 127.0.0.1, one per rank as separate workers would have, and helpers to run ranks on threads. */
final class TestRing implements AutoCloseable {
    final List<RingServer> servers = new ArrayList<>();

    TestRing(int ranks) {
        this(ranks, RingServerConfig.of("127.0.0.1", 0));
    }

    TestRing(int ranks, RingServerConfig config) {
        for (int r = 0; r < ranks; r++) servers.add(RingServer.start(config));
    }

    /** One server per config, in rank order. */
    TestRing(List<RingServerConfig> configs) {
        for (RingServerConfig c : configs) servers.add(RingServer.start(c));
    }

    RingServer server(int rank) {
        return servers.get(rank);
    }

    String address(int rank) {
        return servers.get(rank).advertisedAddress();
    }

    RingSession session(String id, int rank, Duration stepTimeout) {
        int p = servers.size();
        return new RingSession(id, rank, p, address((rank + 1) % p), stepTimeout, key(id));
    }

    /** The test key of session {@code id}: SHA-256 of the id, so every rank (and a test playing a rank) agrees. */
    static byte[] key(String id) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plays the connector's side of the handshake on a raw socket, as rank {@code rank} of session {@code id}. */
    static void handshake(Socket s, String id, int rank, int size, String address) throws IOException {
        handshake(s, id, rank, size, address, key(id));
    }

    static void handshake(Socket s, String id, int rank, int size, String address, byte[] key) throws IOException {
        byte[] challenge = ((KvBlockFrames.Challenge) readFrame(s.getInputStream())).challenge();
        byte[] nonce = RingAuth.nonce();
        OutputStream out = s.getOutputStream();
        out.write(bytes(KvBlockFrames.encodeHello(ByteBufAllocator.DEFAULT, new KvBlockFrames.Hello(id, rank, size, address, nonce,
                RingAuth.helloProof(key, challenge, id, rank, size, nonce)))));
        out.flush();
        byte[] proof = ((KvBlockFrames.Proof) readFrame(s.getInputStream())).proof();
        if (!RingAuth.matches(RingAuth.acceptProof(key, challenge, id, rank, size, nonce), proof)) {
            throw new IllegalStateException("the acceptor's proof is wrong");
        }
    }

    /** Accepts one connection on {@code server} and plays the acceptor's side of the handshake for session {@code id}. */
    static Socket fakeAcceptor(ServerSocket server, String id) {
        try {
            Socket s = server.accept();
            byte[] challenge = RingAuth.nonce();
            s.getOutputStream().write(bytes(KvBlockFrames.encodeChallenge(ByteBufAllocator.DEFAULT, challenge)));
            var hello = (KvBlockFrames.Hello) readFrame(s.getInputStream());
            s.getOutputStream().write(bytes(KvBlockFrames.encodeProof(ByteBufAllocator.DEFAULT, RingAuth.acceptProof(key(id),
                    challenge, id, hello.senderRank(), hello.ringSize(), hello.nonce()))));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(ByteBuf b) {
        try {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            return a;
        } finally {
            b.release();
        }
    }

    static KvBlockFrames.Frame readFrame(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int len = Integer.reverseBytes(d.readInt());
        byte[] body = new byte[len];
        d.readFully(body);
        ByteBuf b = Unpooled.wrappedBuffer(body);
        return KvBlockFrames.decode(b);
    }

    /** Opens every rank of session {@code id} on its own server. */
    List<TcpRingChannel> open(String id, Duration stepTimeout) {
        List<TcpRingChannel> chs = new ArrayList<>();
        for (int r = 0; r < servers.size(); r++) chs.add(server(r).open(session(id, r, stepTimeout)));
        return chs;
    }

    /** Runs {@code body(rank)} for every rank on its own platform thread and returns the results in rank order. */
    static <T> List<T> runRanks(int ranks, IntFunction<T> body) throws Exception {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            int rank = r;
            CompletableFuture<T> f = new CompletableFuture<>();
            Thread.ofPlatform().name("rank-" + r).start(() -> {
                try {
                    f.complete(body.apply(rank));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            fs.add(f);
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : fs) out.add(f.get(60, TimeUnit.SECONDS));
        return out;
    }

    /** The RingmemException {@code f} fails with (within 20 s). */
    static RingmemException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(RingmemException.class, e.getCause());
        } catch (TimeoutException e) {
            fail("future neither completed nor failed within 20 s");
        }
        return fail("future completed normally");
    }

    static void closeAll(List<? extends RingChannel> chs) {
        for (RingChannel c : chs) c.close();
    }

    @Override
    public void close() {
        for (RingServer s : servers) s.close();
    }
}
