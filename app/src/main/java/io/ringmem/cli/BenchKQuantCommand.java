package io.ringmem.cli;

import io.ringmem.bench.KQuantDotBenchmark;
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

/** {@code ringmem bench kquant}: {@link KQuantDotBenchmark}, the K-quant fused dots against an fp32 dot. */
@Command(name = "kquant", mixinStandardHelpOptions = true,
        description = "K-quant fused dequantize-dot (Q4_K, Q5_K, Q6_K, Q8_K) vs an fp32 dot on the same rows, one thread.")
final class BenchKQuantCommand implements Runnable {
    @Option(names = "--repeats", defaultValue = "5", paramLabel = "N",
            description = "alternating rounds over all formats; ratios are per round (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--quick", description = "only the cache-resident shape, shorter sampling")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        KQuantDotBenchmark.Options d = KQuantDotBenchmark.Options.defaults();
        KQuantDotBenchmark.Options o = new KQuantDotBenchmark.Options(BenchArgs.atLeast(repeats, 1, "--repeats"),
                quick ? 0.2 : d.warmupSeconds(), d.samples(), quick ? 0.5 : d.budgetSeconds(), quick);
        PrintWriter out = spec.commandLine().getOut();
        Machine m = Machine.detect();
        if (!json) {
            out.printf(Locale.ROOT, "# K-quant dot benchmark: %s, %d cores, %d fp32 lanes; one thread; %d alternating rounds%n%n",
                    m.cpu(), m.cores(), m.lanes(), o.repeats());
            out.printf(Locale.ROOT, "%-5s %-12s %6s %10s %19s %8s %8s %8s %15s%n", "fmt", "shape", "B/val", "ms", "ms min-max",
                    "ns/val", "GB/s", "vs F32", "vs F32 min-max");
            out.flush();
        }
        List<KQuantDotBenchmark.Row> rows = KQuantDotBenchmark.run(o, r -> {
            if (json) return;
            out.printf(Locale.ROOT, "%-5s %-12s %6.3f %10.3f %9.3f-%-9.3f %8.3f %8.2f %7.2fx %7.2f-%-7.2f%n", r.format(), r.shape(),
                    r.bytesPerValue(), r.ms(), r.msMin(), r.msMax(), r.nsPerValue(), r.weightGbs(), r.vsF32(), r.vsF32Min(),
                    r.vsF32Max());
            out.flush();
        });
        if (json) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("options", o);
            new BenchReport("kquant", m, settings, "fp32 Vector API dot on the same rows, same round", rows).print(out);
        }
    }
}
