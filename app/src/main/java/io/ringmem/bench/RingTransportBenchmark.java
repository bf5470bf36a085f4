package io.ringmem.bench;

import io.ringmem.ring.InMemoryRing;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingChannel;
import io.ringmem.worker.ring.RingServer;
import io.ringmem.worker.ring.RingServerConfig;
import io.ringmem.worker.ring.RingSession;
import io.ringmem.worker.ring.RingTls;
import io.ringmem.worker.ring.TcpRingChannel;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves KV blocks around a ring the way {@link io.ringmem.ring.RingAttention} does (send the local block, then P-1
 * steps of receive and forward, one send in flight; see {@link RingRotation}), without compute, over TCP between
 * separate {@link RingServer}s on loopback and over {@link InMemoryRing} (the baseline) in the same run.
 *
 * <p>Run with {@code bin/ringmem bench transport}. One rotation moves P·(P-1) blocks of {@code tokens × kvDim}
 * floats each for k and v; a sample is {@code layers} rotations; the figure is the median sample. MB/s counts k, v
 * and positions bytes delivered per second over all links together. The in-memory ring shares arrays (no copy),
 * so its MB/s is a hand-off rate, not a copy rate. CPU ms/MiB is the process CPU time (all threads, the
 * benchmark's own included) per MiB delivered: what the transport takes from compute on a busy worker. Session
 * setup is the median time for a fresh session's ranks to open, connect (TCP and the key handshake) and each pass
 * one 1-token block to the next rank: the per-connection cost, paid once per ring session. With ring TLS files, every
 * figure of the TCP ring is measured again over mutual TLS (fresh servers, same blocks) in the same run.
 */
public final class RingTransportBenchmark {

    /**
     * @param ranks  ring sizes P to measure
     * @param tokens tokens per block to measure
     * @param kvDim  floats per token for k (and as many for v)
     * @param layers rotations per sample
     * @param warmup untimed samples first
     * @param reps   timed samples; the median is reported
     */
    public record Options(List<Integer> ranks, List<Integer> tokens, int kvDim, int layers, int warmup, int reps) {
        public Options {
            ranks = List.copyOf(ranks);
            tokens = List.copyOf(tokens);
            if (ranks.stream().anyMatch(p -> p < 2) || tokens.stream().anyMatch(t -> t < 1) || kvDim < 1 || layers < 1
                    || warmup < 0 || reps < 1) {
                throw new IllegalArgumentException("ranks >= 2, tokens >= 1, kvDim >= 1, layers >= 1, warmup >= 0, reps >= 1");
            }
        }
    }

    /**
     * One ring size and block size; {@code tcpOverMemory} is the ratio of the rotation times.
     *
     * @param mibPerBlock k and v of one block in MiB
     * @param tls         the same over mutual TLS (same servers' settings plus TLS), or null when not measured
     */
    public record Row(int ranks, int tokens, double mibPerBlock, double memoryMsPerRotation, double tcpMsPerRotation,
                      double memoryMBps, double tcpMBps, double tcpOverMemory, double tcpCpuMsPerMib,
                      double memoryCpuMsPerMib, double tcpSetupMs, TlsRow tls) {
    }

    /** Mutual TLS figures of one row; {@code tlsOverTcp} is the ratio of the rotation times to plain TCP's. */
    public record TlsRow(double msPerRotation, double mbps, double tlsOverTcp, double cpuMsPerMib, double setupMs) {
    }

    /** Fresh sessions timed for {@link Row#tcpSetupMs()} (after as many untimed ones); the median is reported. */
    private static final int SETUP_SAMPLES = 21;

    private RingTransportBenchmark() {
    }

    /** Measures every (ranks, tokens) pair in order, handing each row to {@code onRow} as it is measured. */
    public static List<Row> run(Options o, Consumer<Row> onRow) throws Exception {
        return run(o, null, onRow);
    }

    /** As {@link #run(Options, Consumer)}, and each pair also over mutual TLS with {@code tls} when not null. */
    public static List<Row> run(Options o, RingTls tls, Consumer<Row> onRow) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int ranks : o.ranks()) {
            for (int tokens : o.tokens()) {
                Row row = measure(o, ranks, tokens, tls);
                rows.add(row);
                onRow.accept(row);
            }
        }
        return rows;
    }

    private static Row measure(Options o, int ranks, int tokens, RingTls tls) throws Exception {
        KvBlock[] locals = new KvBlock[ranks];
        Random rnd = new Random(ranks * 31L + tokens);
        for (int r = 0; r < ranks; r++) locals[r] = randomBlock(rnd, r, tokens, o.kvDim());
        RingRotation.Sample mem;
        try (InMemoryRing ring = new InMemoryRing(ranks)) {
            List<RingChannel> chs = new ArrayList<>();
            for (int r = 0; r < ranks; r++) chs.add(ring.channel(r));
            mem = RingRotation.median(chs, locals, o.layers(), o.warmup(), o.reps());
        }
        Network tcp = network(o, locals, RingServerConfig.of("127.0.0.1", 0), "bench/" + ranks + "/" + tokens);
        double bytes = (double) ranks * (ranks - 1) * locals[0].byteSize(); // per rotation
        double mib = bytes / (1 << 20);
        TlsRow tlsRow = null;
        if (tls != null) {
            Network t = network(o, locals, RingServerConfig.of("127.0.0.1", 0).withTls(tls), "bench-tls/" + ranks + "/" + tokens);
            tlsRow = new TlsRow(t.rotation().seconds() * 1e3, bytes / t.rotation().seconds() / 1e6,
                    t.rotation().seconds() / tcp.rotation().seconds(), t.rotation().cpuSeconds() * 1e3 / mib, t.setupMs());
        }
        return new Row(ranks, tokens, 8.0 * tokens * o.kvDim() / (1 << 20), mem.seconds() * 1e3, tcp.rotation().seconds() * 1e3,
                bytes / mem.seconds() / 1e6, bytes / tcp.rotation().seconds() / 1e6, tcp.rotation().seconds() / mem.seconds(),
                tcp.rotation().cpuSeconds() * 1e3 / mib, mem.cpuSeconds() * 1e3 / mib, tcp.setupMs(), tlsRow);
    }

    private record Network(RingRotation.Sample rotation, double setupMs) {
    }

    /** Rotations and session setup over one RingServer per rank, all with {@code config}. */
    private static Network network(Options o, KvBlock[] locals, RingServerConfig config, String session) throws Exception {
        int ranks = locals.length;
        List<RingServer> servers = new ArrayList<>();
        try {
            for (int r = 0; r < ranks; r++) servers.add(RingServer.start(config));
            List<TcpRingChannel> chs = new ArrayList<>();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            for (int r = 0; r < ranks; r++) {
                chs.add(servers.get(r).open(new RingSession(session, r, ranks,
                        servers.get((r + 1) % ranks).advertisedAddress(), Duration.ofSeconds(60), key)));
            }
            RingRotation.Sample sample = RingRotation.median(chs, locals, o.layers(), o.warmup(), o.reps());
            chs.forEach(TcpRingChannel::close);
            return new Network(sample, setupMillis(servers, session + "/setup/"));
        } finally {
            servers.forEach(RingServer::close);
        }
    }

    /** Median ms for a fresh session: every rank opens, sends a 1-token block to the next and receives one. */
    private static double setupMillis(List<RingServer> servers, String prefix) throws Exception {
        int ranks = servers.size();
        double[] ms = new double[SETUP_SAMPLES];
        SecureRandom random = new SecureRandom();
        for (int i = -SETUP_SAMPLES; i < SETUP_SAMPLES; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            long t0 = System.nanoTime();
            List<TcpRingChannel> chs = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                chs.add(servers.get(r).open(new RingSession(prefix + i, r, ranks, servers.get((r + 1) % ranks).advertisedAddress(),
                        Duration.ofSeconds(60), key)));
            }
            for (int r = 0; r < ranks; r++) chs.get(r).sendNext(new KvBlock(0, r, new int[] {r}, new float[1], new float[1]));
            for (TcpRingChannel ch : chs) ch.receivePrev().get(60, TimeUnit.SECONDS);
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
            chs.forEach(TcpRingChannel::close);
        }
        Arrays.sort(ms);
        return ms[SETUP_SAMPLES / 2];
    }

    private static KvBlock randomBlock(Random rnd, int rank, int tokens, int kvDim) {
        int[] pos = new int[tokens];
        for (int i = 0; i < tokens; i++) pos[i] = rank * tokens + i;
        float[] k = new float[tokens * kvDim], v = new float[tokens * kvDim];
        for (int i = 0; i < k.length; i++) {
            k[i] = rnd.nextFloat();
            v[i] = rnd.nextFloat();
        }
        return new KvBlock(0, rank, pos, k, v);
    }
}
