package io.ringmem.cli;

import io.ringmem.bench.DecodeDotBenchmark;
import io.ringmem.bench.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench decode-dots}: {@link DecodeDotBenchmark}, decode's multi-row quantized kernels vs one row at a time. */
@Command(name = "decode-dots", mixinStandardHelpOptions = true,
        description = "Decode's quantized matrix-vector path (DecodeDots: four Q8_0 rows per pass; Q4_K one row at a time, a"
                + " control) vs the per-row fused dot on the same weights, one thread.")
final class BenchDecodeDotsCommand implements Runnable {
    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N",
            description = "alternating rounds (per-row path, then the new one); ratios are per round (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--layers", defaultValue = "2", paramLabel = "N",
            description = "layers of the 200M model's weights in the streamed workload (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--quick", description = "only the cache-resident workload, shorter sampling")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        DecodeDotBenchmark.Options o = new DecodeDotBenchmark.Options(BenchArgs.atLeast(rounds, 1, "--rounds"),
                BenchArgs.atLeast(layers, 1, "--layers"), quick);
        PrintWriter out = spec.commandLine().getOut();
        Machine m = Machine.detect();
        if (!json) {
            out.printf(Locale.ROOT, "# decode dot benchmark: %s, %d cores, %d fp32 lanes; one thread; %d alternating rounds%n%n",
                    m.cpu(), m.cores(), m.lanes(), o.rounds());
            out.printf(Locale.ROOT, "%-5s %-12s %10s %12s %10s %8s %9s %15s%n", "fmt", "workload", "Mvalues", "per-row ms",
                    "new ms", "ns/val", "speed-up", "min-max");
            out.flush();
        }
        List<DecodeDotBenchmark.Row> rows = DecodeDotBenchmark.run(o, r -> {
            if (json) return;
            out.printf(Locale.ROOT, "%-5s %-12s %10.2f %12.3f %10.3f %8.3f %8.2fx %7.2f-%-7.2f%n", r.format(), r.workload(),
                    r.values() / 1e6, r.previousMs(), r.newMs(), r.nsPerValue(), r.speedup(), r.speedupMin(), r.speedupMax());
            out.flush();
        });
        if (json) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("options", o);
            new BenchReport("decode-dots", m, settings, "per-row fused BlockFormat.dot on the same weights, same round", rows)
                    .print(out);
        }
    }
}
