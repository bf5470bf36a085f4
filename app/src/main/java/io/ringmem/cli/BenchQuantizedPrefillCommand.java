package io.ringmem.cli;

import io.ringmem.bench.Machine;
import io.ringmem.bench.QuantizedPrefillBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ringmem bench qprefill}: {@link QuantizedPrefillBenchmark}, the quantized-weight prefill matmul with
 * unpacked fp32 panels vs int8 activations, per format.
 */
@Command(name = "qprefill", mixinStandardHelpOptions = true,
        description = "Prefill matmul on quantized weights: unpacked fp32 panels vs int8 activations with integer dots,"
                + " per format (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), 512 and 2048 tokens, the 200M model's projection shapes.")
final class BenchQuantizedPrefillCommand implements Runnable {
    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "alternating rounds; ratios are per round (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--quick", description = "512 tokens, Q8_0 and Q4_K only, shorter sampling")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Machine m = Machine.detect();
        int t = threads == null ? m.cores() : BenchArgs.atLeast(threads, 1, "--threads");
        QuantizedPrefillBenchmark.Options o = new QuantizedPrefillBenchmark.Options(BenchArgs.atLeast(repeats, 1, "--repeats"),
                t, quick ? 0.3 : 0.6, 7, quick ? 0.8 : 1.5, quick);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.printf(Locale.ROOT, "# quantized prefill: %s, %d cores, %d fp32 lanes, %d threads; %d alternating rounds;"
                    + " peak %.0f GFLOP/s%n%n", m.cpu(), m.cores(), m.lanes(), t, o.repeats(), m.peakGflops(t));
            out.printf(Locale.ROOT, "%-5s %6s %-12s %9s %9s %9s %8s %13s %8s %8s %8s%n", "fmt", "tokens", "in → rows", "F32 ms",
                    "unpack ms", "int8 ms", "speedup", "min-max", "F32 GF", "unp GF", "int8 GF");
            out.flush();
        }
        List<QuantizedPrefillBenchmark.Row> rows = QuantizedPrefillBenchmark.run(o, m, r -> {
            if (json) return;
            out.printf(Locale.ROOT, "%-5s %6d %-12s %9.2f %9.2f %9.2f %7.2fx %6.2f-%-6.2f %8.1f %8.1f %8.1f%n", r.format(),
                    r.tokens(), r.shape(), r.f32Ms(), r.unpackMs(), r.int8Ms(), r.speedup(), r.speedupMin(), r.speedupMax(),
                    r.f32Gflops(), r.unpackGflops(), r.int8Gflops());
            out.flush();
        });
        if (json) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("options", o);
            new BenchReport("qprefill", m, settings, "unpack path on the same weights, same round (speedup = unpack / int8)",
                    rows).print(out);
        }
    }
}
