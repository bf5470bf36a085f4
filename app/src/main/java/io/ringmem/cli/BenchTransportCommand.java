package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.Machine;
import io.ringmem.bench.RingTransportBenchmark;
import io.ringmem.worker.ring.RingTls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ringmem bench transport}: {@link RingTransportBenchmark}, the TCP ring against the in-memory ring. */
@Command(name = "transport", mixinStandardHelpOptions = true,
        description = "KV block rotations around a ring without compute: TCP on loopback (and mutual TLS, with --ring-tls-*) vs the"
                + " in-memory ring, ms, MB/s, CPU ms/MiB.")
final class BenchTransportCommand implements Callable<Integer> {
    @Option(names = "--ranks", split = ",", defaultValue = "2,4", paramLabel = "P,P",
            description = "ring sizes, at least 2 (default: ${DEFAULT-VALUE})")
    List<Integer> ranks;

    @Option(names = "--tokens", split = ",", defaultValue = "1024,8192", paramLabel = "N,N",
            description = "tokens per block (default: ${DEFAULT-VALUE})")
    List<Integer> tokens;

    @Option(names = "--kv-dim", defaultValue = "256", paramLabel = "N",
            description = "floats per token for k, as many for v (default: ${DEFAULT-VALUE})")
    int kvDim;

    @Option(names = "--layers", defaultValue = "4", paramLabel = "N", description = "rotations per sample (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N", description = "untimed samples (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--reps", defaultValue = "7", paramLabel = "N",
            description = "timed samples, median reported (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Option(names = "--ring-tls-cert", paramLabel = "FILE",
            description = "also measure mutual TLS: a PEM certificate every rank presents (with --ring-tls-key, --ring-tls-ca)")
    Path ringTlsCert;

    @Option(names = "--ring-tls-key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --ring-tls-cert")
    Path ringTlsKey;

    @Option(names = "--ring-tls-ca", paramLabel = "FILE", description = "PEM CA certificate that issued --ring-tls-cert")
    Path ringTlsCa;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RingTransportBenchmark.Options o = new RingTransportBenchmark.Options(BenchArgs.allAtLeast(ranks, 2, "--ranks"),
                BenchArgs.allAtLeast(tokens, 1, "--tokens"), BenchArgs.atLeast(kvDim, 1, "--kv-dim"),
                BenchArgs.atLeast(layers, 1, "--layers"), BenchArgs.atLeast(warmup, 0, "--warmup"), BenchArgs.atLeast(reps, 1, "--reps"));
        RingTls tls = tls();
        PrintWriter out = spec.commandLine().getOut();
        Machine machine = Machine.detect();
        if (!json) {
            out.printf(Locale.ROOT, "# ring transport: kvDim %d, %d rotations per sample, %d warm-up + %d samples, median; %d cores%n",
                    kvDim, layers, warmup, reps, machine.cores());
            out.println("| P | tokens/block | MiB per block (k+v) | in-memory ms/rotation | TCP ms/rotation | in-memory MB/s"
                    + " | TCP MB/s | TCP / in-memory | TCP CPU ms/MiB | in-memory CPU ms/MiB | TCP session setup ms |"
                    + (tls == null ? "" : " TLS ms/rotation | TLS MB/s | TLS / TCP | TLS CPU ms/MiB | TLS session setup ms |"));
            out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (tls == null ? "" : "---:|---:|---:|---:|---:|"));
            out.flush();
        }
        List<RingTransportBenchmark.Row> rows = RingTransportBenchmark.run(o, tls, r -> {
            if (json) return;
            out.printf(Locale.ROOT, "| %d | %d | %.1f | %.3f | %.3f | %.0f | %.0f | %.1f× | %.2f | %.3f | %.2f |", r.ranks(), r.tokens(),
                    r.mibPerBlock(), r.memoryMsPerRotation(), r.tcpMsPerRotation(), r.memoryMBps(), r.tcpMBps(),
                    r.tcpOverMemory(), r.tcpCpuMsPerMib(), r.memoryCpuMsPerMib(), r.tcpSetupMs());
            if (r.tls() != null) {
                out.printf(Locale.ROOT, " %.3f | %.0f | %.2f× | %.2f | %.2f |", r.tls().msPerRotation(), r.tls().mbps(),
                        r.tls().tlsOverTcp(), r.tls().cpuMsPerMib(), r.tls().setupMs());
            }
            out.println();
            out.flush();
        });
        if (json) new BenchReport("transport", machine, Map.of("options", o), "the in-memory ring in the same run", rows).print(out);
        return 0;
    }

    private RingTls tls() {
        int given = (ringTlsCert != null ? 1 : 0) + (ringTlsKey != null ? 1 : 0) + (ringTlsCa != null ? 1 : 0);
        if (given == 0) return null;
        if (given < 3) throw new RingmemException("ring TLS needs all of --ring-tls-cert, --ring-tls-key and --ring-tls-ca");
        return RingTls.fromPem(ringTlsCert, ringTlsKey, ringTlsCa);
    }
}
