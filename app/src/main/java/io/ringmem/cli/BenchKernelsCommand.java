package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.KernelBenchmark;
import io.ringmem.bench.KernelRow;
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

/** {@code ringmem bench kernels}: {@link KernelBenchmark}, the vector kernels against the scalar reference. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Vector API kernels vs the scalar reference (matmul GFLOP/s vs this CPU's fp32 peak, attention, elementwise).")
final class BenchKernelsCommand implements Runnable {
    @Option(names = "--threads", paramLabel = "N", description = "vector kernel threads (default: available processors)")
    Integer threads;

    @Option(names = "--quick", description = "shorter warm-up and sampling (0.5 s, 1 s budget), skip the largest shapes")
    boolean quick;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N",
            description = "warm-up calls per measurement, at least (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-seconds", paramLabel = "S",
            description = "warm-up time per measurement, at least (default: 1, 0.5 with --quick)")
    Double warmupSeconds;

    @Option(names = "--samples", defaultValue = "15", paramLabel = "N",
            description = "timed samples per measurement, at most; the median is reported (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--budget-seconds", paramLabel = "S",
            description = "sampling time per measurement after which sampling stops (default: 4, 1 with --quick)")
    Double budgetSeconds;

    @Option(names = "--attention-lengths", split = ",", paramLabel = "N,N",
            description = "also time causal attention at these lengths, e.g. 8192,16384,32768 (scalar scaled from the last queries)")
    List<Integer> attentionLengths = List.of();

    @Option(names = "--attention-head-dims", split = ",", defaultValue = "64,128", paramLabel = "D,D",
            description = "head dims of the --attention-lengths rows (default: ${DEFAULT-VALUE})")
    List<Integer> attentionHeadDims;

    @Option(names = "--attention-heads", defaultValue = "8", paramLabel = "H",
            description = "query heads of the --attention-lengths rows (default: ${DEFAULT-VALUE})")
    int attentionHeads;

    @Option(names = "--attention-kv-heads", defaultValue = "2", paramLabel = "H",
            description = "KV heads of the --attention-lengths rows, GQA when fewer than heads (default: ${DEFAULT-VALUE})")
    int attentionKvHeads;

    @Option(names = "--attention-only", description = "only the --attention-lengths rows")
    boolean attentionOnly;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        KernelBenchmark.Options o = options();
        PrintWriter out = spec.commandLine().getOut();
        Machine machine = Machine.detect();
        if (!json) header(out, machine, o);
        List<KernelRow> rows = KernelBenchmark.run(o, machine, row -> {
            if (!json) row(out, row);
        });
        if (json) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("options", o);
            settings.put("peakGflops", machine.peakGflops(machine.cores()));
            settings.put("threadPeakGflops", machine.peakGflops(o.threads()));
            new BenchReport("kernels", machine, settings, "scalar reference kernels", rows).print(out);
        }
    }

    private KernelBenchmark.Options options() {
        KernelBenchmark.Options d = KernelBenchmark.Options.defaults();
        double warm = warmupSeconds != null ? warmupSeconds : quick ? 0.5 : d.warmupSeconds();
        double budget = budgetSeconds != null ? budgetSeconds : quick ? 1.0 : d.budgetSeconds();
        if (!attentionLengths.isEmpty()) BenchArgs.allAtLeast(attentionLengths, 1, "--attention-lengths");
        BenchArgs.allAtLeast(attentionHeadDims, 1, "--attention-head-dims");
        BenchArgs.atLeast(attentionHeads, 1, "--attention-heads");
        BenchArgs.atLeast(attentionKvHeads, 1, "--attention-kv-heads");
        if (attentionHeads % attentionKvHeads != 0) {
            throw new RingmemException("--attention-heads (" + attentionHeads + ") must be a multiple of --attention-kv-heads ("
                    + attentionKvHeads + ")");
        }
        if (attentionOnly && attentionLengths.isEmpty()) throw new RingmemException("--attention-only needs --attention-lengths");
        KernelBenchmark.LongAttention la = new KernelBenchmark.LongAttention(attentionLengths, attentionHeadDims, attentionHeads,
                attentionKvHeads, attentionOnly);
        return new KernelBenchmark.Options(BenchArgs.atLeast(threads == null ? d.threads() : threads, 1, "--threads"),
                BenchArgs.atLeast(warmup, 0, "--warmup"), BenchArgs.atLeast(warm, 0, "--warmup-seconds"),
                BenchArgs.atLeast(samples, 1, "--samples"), BenchArgs.atLeast(budget, 0, "--budget-seconds"), quick, la);
    }

    private static void header(PrintWriter out, Machine m, KernelBenchmark.Options o) {
        out.printf(Locale.ROOT, "# Kernel benchmark: %s, %d cores, %d fp32 lanes, %.3f GHz (cpu MHz)%n", m.cpu(), m.cores(),
                m.lanes(), m.cpuGhz());
        out.printf(Locale.ROOT, "# fp32 peak: %d cores x %d FMA x %d lanes x 2 flops x %.3f GHz = %.1f GFLOP/s (%.1f for %d thread(s))%n",
                m.cores(), Machine.FMA_UNITS, m.lanes(), m.cpuGhz(), m.peakGflops(m.cores()), m.peakGflops(o.threads()), o.threads());
        out.printf(Locale.ROOT, "# vector kernels: %d thread(s); median of up to %d samples after >= %d warm-up call(s) and >= %.1f s%n%n",
                o.threads(), o.samples(), o.warmup(), o.warmupSeconds());
        out.printf(Locale.ROOT, "%-10s %-60s %12s %12s %9s %11s %11s %8s%n", "kernel", "shape", "scalar ms", "vector ms",
                "speedup", "scalar GF/s", "vector GF/s", "% peak");
        out.flush();
    }

    private static void row(PrintWriter out, KernelRow r) {
        out.printf(Locale.ROOT, "%-10s %-60s %12.3f %12.3f %8.1fx %11s %11s %8s%n", r.kernel(), r.shape(), r.scalarMs(),
                r.vectorMs(), r.speedup(), r.scalarGflops() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.scalarGflops()),
                r.vectorGflops() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.vectorGflops()),
                r.peakFraction() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.peakFraction()));
        out.flush();
    }
}
