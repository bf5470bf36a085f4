package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.Machine;
import io.ringmem.bench.StoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench store}: {@link StoreBenchmark}, memory-store put/get throughput on a loopback cluster. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Memory-store put/get MB/s of float blocks on a 2-member loopback cluster in this JVM: embedded vs client,"
                + " Kryo vs Hazelcast DataSerializable vs raw byte[]; then the store API plain vs AES-256-GCM, paired.")
final class BenchStoreCommand implements Runnable {
    @Option(names = "--block-kib", defaultValue = "4096", paramLabel = "KiB",
            description = "payload per block in KiB (default: ${DEFAULT-VALUE}, i.e. 4 MiB)")
    int blockKib;

    @Option(names = "--ops", defaultValue = "48", paramLabel = "N",
            description = "timed puts, then as many gets, per scenario (default: ${DEFAULT-VALUE})")
    int ops;

    @Option(names = "--warmup-ops", paramLabel = "N", description = "untimed put+get pairs per scenario (default: max(8, ops / 2))")
    Integer warmupOps;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.atLeast(blockKib, 1, "--block-kib");
        BenchArgs.atLeast(ops, 1, "--ops");
        int warm = warmupOps == null ? Math.max(8, ops / 2) : BenchArgs.atLeast(warmupOps, 0, "--warmup-ops");
        if (blockKib > (Integer.MAX_VALUE >> 10)) throw new RingmemException("--block-kib too large: " + blockKib);
        StoreBenchmark.Options o = new StoreBenchmark.Options(blockKib << 10, ops, warm);
        StoreBenchmark.Report report = StoreBenchmark.run(o);
        List<StoreBenchmark.Result> results = report.results();
        StoreBenchmark.Encryption e = report.encryption();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Object> rows = new ArrayList<>(results);
            rows.add(e); // the last row: its own ratios (sealed / plain, paired), not against the baseline
            new BenchReport("store", Machine.detect(), Map.of("options", o), results.getFirst().name() + " in the same run",
                    rows).print(out);
            return;
        }
        out.printf(Locale.ROOT, "%-38s %10s %10s %9s %9s%n", "scenario", "put MB/s", "get MB/s", "put/base", "get/base");
        for (StoreBenchmark.Result r : results) {
            out.printf(Locale.ROOT, "%-38s %10.0f %10.0f %9.2f %9.2f%n", r.name(), r.putMBps(), r.getMBps(),
                    r.putVsFirst(), r.getVsFirst());
        }
        out.printf(Locale.ROOT, "%n%s, %d rounds (medians):%n", e.name(), e.rounds());
        out.printf(Locale.ROOT, "  put MB/s plain %.0f, sealed %.0f, ratio %.2f; get MB/s plain %.0f, sealed %.0f, ratio %.2f%n",
                e.plainPutMBps(), e.sealedPutMBps(), e.putRatio(), e.plainGetMBps(), e.sealedGetMBps(), e.getRatio());
        out.flush();
    }
}
