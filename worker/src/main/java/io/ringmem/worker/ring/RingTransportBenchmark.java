package io.ringmem.worker.ring;

import io.ringmem.ring.InMemoryRing;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingChannel;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Moves KV blocks around a ring the way {@link io.ringmem.ring.RingAttention} does (send the local block, then P-1
 * steps of receive and forward, one send in flight), without compute, over TCP between separate
 * {@link RingServer}s on loopback and over {@link InMemoryRing} in the same run; prints a Markdown table.
 *
 * <p>Usage: {@code RingTransportBenchmark [--ranks 2,4] [--tokens 1024,8192] [--kv-dim 256] [--layers 4]
 * [--warmup 3] [--reps 7]}. One rotation moves P·(P-1) blocks of {@code tokens × kvDim} floats each for k and v;
 * a sample is {@code layers} rotations; the figure is the median sample. MB/s counts k, v and positions bytes
 * delivered per second over all links together. The in-memory ring shares arrays (no copy), so its MB/s is a
 * hand-off rate, not a copy rate. CPU ms/MiB is the process CPU time (all threads, the benchmark's own included)
 * per MiB delivered: what the transport takes from compute on a busy worker.
 */
public final class RingTransportBenchmark {
    private RingTransportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] ranksList = ints(arg(args, "--ranks", "2,4"));
        int[] tokensList = ints(arg(args, "--tokens", "1024,8192"));
        int kvDim = Integer.parseInt(arg(args, "--kv-dim", "256"));
        int layers = Integer.parseInt(arg(args, "--layers", "4"));
        int warmup = Integer.parseInt(arg(args, "--warmup", "3"));
        int reps = Integer.parseInt(arg(args, "--reps", "7"));
        System.out.printf(Locale.ROOT, "# ring transport: kvDim %d, %d rotations per sample, %d warm-up + %d samples, median; %d cores%n",
                kvDim, layers, warmup, reps, Runtime.getRuntime().availableProcessors());
        System.out.println("| P | tokens/block | MiB per block (k+v) | in-memory ms/rotation | TCP ms/rotation | in-memory MB/s"
                + " | TCP MB/s | TCP / in-memory | TCP CPU ms/MiB | in-memory CPU ms/MiB |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int ranks : ranksList) {
            for (int tokens : tokensList) {
                KvBlock[] locals = new KvBlock[ranks];
                Random rnd = new Random(ranks * 31L + tokens);
                for (int r = 0; r < ranks; r++) locals[r] = randomBlock(rnd, r, tokens, kvDim);
                Sample mem, tcp;
                try (InMemoryRing ring = new InMemoryRing(ranks)) {
                    List<RingChannel> chs = new ArrayList<>();
                    for (int r = 0; r < ranks; r++) chs.add(ring.channel(r));
                    mem = medianSeconds(chs, locals, layers, warmup, reps);
                }
                List<RingServer> servers = new ArrayList<>();
                try {
                    for (int r = 0; r < ranks; r++) servers.add(RingServer.start("127.0.0.1", 0));
                    List<TcpRingChannel> chs = new ArrayList<>();
                    for (int r = 0; r < ranks; r++) {
                        chs.add(servers.get(r).open(new RingSession("bench/" + ranks + "/" + tokens, r, ranks,
                                servers.get((r + 1) % ranks).advertisedAddress(), Duration.ofSeconds(60))));
                    }
                    tcp = medianSeconds(chs, locals, layers, warmup, reps);
                    chs.forEach(TcpRingChannel::close);
                } finally {
                    servers.forEach(RingServer::close);
                }
                double bytes = (double) ranks * (ranks - 1) * locals[0].byteSize(); // per rotation
                double mib = bytes / (1 << 20);
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.3f | %.3f | %.0f | %.0f | %.1f× | %.2f | %.3f |%n", ranks, tokens,
                        8.0 * tokens * kvDim / (1 << 20), mem.seconds() * 1e3, tcp.seconds() * 1e3, bytes / mem.seconds() / 1e6,
                        bytes / tcp.seconds() / 1e6, tcp.seconds() / mem.seconds(), tcp.cpuSeconds() * 1e3 / mib,
                        mem.cpuSeconds() * 1e3 / mib);
            }
        }
    }

    /**
     * @param seconds    median over the samples of the wall time of one rotation
     * @param cpuSeconds process CPU time (all threads) per rotation, over all samples
     */
    record Sample(double seconds, double cpuSeconds) {
    }

    /** Median over {@code reps} samples of the time of one rotation (a sample runs {@code layers} rotations). */
    static Sample medianSeconds(List<? extends RingChannel> chs, KvBlock[] locals, int layers, int warmup, int reps)
            throws Exception {
        int ranks = chs.size();
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            double[] samples = new double[reps];
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = 0;
            for (int s = -warmup; s < reps; s++) {
                if (s == 0) cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int r = 0; r < ranks; r++) {
                    int rank = r;
                    done.add(pool.submit(() -> {
                        for (int l = 0; l < layers; l++) rotate(chs.get(rank), locals[rank], l);
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(10, TimeUnit.MINUTES);
                if (s >= 0) samples[s] = (System.nanoTime() - t0) / 1e9 / layers;
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / reps / layers;
            Arrays.sort(samples);
            return new Sample(samples[reps / 2], cpu);
        } finally {
            pool.shutdownNow();
        }
    }

    /** RingAttention's transport pattern for one layer, checking that every block arrives from the right rank. */
    static void rotate(RingChannel ch, KvBlock local, int layer) throws Exception {
        int ranks = ch.size(), rank = ch.rank();
        KvBlock mine = new KvBlock(layer, rank, local.positions(), local.k(), local.v());
        CompletableFuture<Void> sending = ch.sendNext(mine);
        for (int step = 1; step < ranks; step++) {
            KvBlock b = ch.receivePrev().get(60, TimeUnit.SECONDS);
            int from = Math.floorMod(rank - step, ranks);
            if (b.layer() != layer || b.sourceRank() != from || b.k().length != local.k().length) {
                throw new IllegalStateException("rank " + rank + " step " + step + " got layer " + b.layer() + " from " + b.sourceRank());
            }
            sending.get(60, TimeUnit.SECONDS);
            if (step < ranks - 1) sending = ch.sendNext(b);
        }
        sending.get(60, TimeUnit.SECONDS);
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

    private static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return dflt;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
