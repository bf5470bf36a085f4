package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.PrefillBenchmark;
import io.ringmem.bench.RingOverheadBenchmark;
import io.ringmem.forward.LlamaModel;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.KernelBenchmark;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.ring.ShardSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;

/** {@code ringmem bench}: the benchmarks whose figures are recorded in docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: CPU kernels, end-to-end prefill, ring overhead. Prints markdown tables.",
        subcommands = {BenchCommand.Kernels_.class, BenchCommand.Prefill.class, BenchCommand.Ring.class, QualityCommand.class})
final class BenchCommand {

    @Command(name = "kernels", mixinStandardHelpOptions = true,
            description = "Vector API kernels vs the scalar reference (matmul GFLOP/s vs this CPU's fp32 peak, attention, elementwise).")
    static final class Kernels_ implements Runnable {
        @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: available processors)")
        Integer threads;

        @Option(names = "--quick", description = "shorter warm-up and sampling, skip the largest shapes")
        boolean quick;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            KernelBenchmark.Options d = KernelBenchmark.Options.defaults();
            int t = threads == null ? d.threads() : threads;
            if (t < 1) throw new RingmemException("--threads must be at least 1, got " + t);
            PrintWriter out = spec.commandLine().getOut();
            out.flush();
            KernelBenchmark.run(System.out, new KernelBenchmark.Options(t, d.warmup(), quick ? 0.5 : d.warmupSeconds(),
                    d.samples(), quick ? 1.0 : d.budgetSeconds(), quick));
            System.out.flush();
        }
    }

    @Command(name = "prefill", mixinStandardHelpOptions = true,
            description = "End-to-end prefill tokens/s on seeded random tokens for each length and rank count.")
    static final class Prefill implements Runnable {
        @Mixin
        ModelOptions options;

        @Option(names = "--lengths", split = ",", defaultValue = "1024,4096,16384", paramLabel = "N,N",
                description = "sequence lengths (default: ${DEFAULT-VALUE})")
        List<Integer> lengths;

        @Option(names = "--ranks", split = ",", defaultValue = "1,2", paramLabel = "P,P",
                description = "rank counts to compare (default: ${DEFAULT-VALUE})")
        List<Integer> ranks;

        @Option(names = "--reps", defaultValue = "1", description = "measured repetitions (default: ${DEFAULT-VALUE})")
        int reps;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            checkPositive(lengths, "--lengths");
            checkPositive(ranks, "--ranks");
            try (LoadedModel m = options.load(spec.commandLine().getErr()); Kernels k = options.createKernels()) {
                PrefillBenchmark.run(new LlamaModel(m.config(), m.weights(), k), lengths, ranks,
                        ShardSchedule.parse(options.schedule), options.blockTokens, Math.max(1, reps), out);
            }
        }
    }

    @Command(name = "ring", mixinStandardHelpOptions = true,
            description = "Causal ring attention with P ranks vs one single-rank blockwise attention call on the same inputs.")
    static final class Ring implements Runnable {
        @Option(names = "--heads", defaultValue = "8") int heads;
        @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
        @Option(names = "--head-dim", defaultValue = "32") int headDim;
        @Option(names = "--lengths", split = ",", defaultValue = "1024,4096,16384") List<Integer> lengths;
        @Option(names = "--ranks", split = ",", defaultValue = "2,4") List<Integer> ranks;
        @Option(names = "--schedule", defaultValue = "zigzag") String schedule;
        @Option(names = "--kernels", defaultValue = "vector") String kernels;
        @Option(names = "--threads") Integer threads;
        @Option(names = "--reps", defaultValue = "3") int reps;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            checkPositive(lengths, "--lengths");
            checkPositive(ranks, "--ranks");
            AttentionShape shape;
            try {
                shape = AttentionShape.of(heads, kvHeads, headDim);
            } catch (IllegalArgumentException e) {
                throw new RingmemException(e.getMessage());
            }
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            try (Kernels k = KernelsFactory.byName(kernels, t)) {
                RingOverheadBenchmark.run(k, shape, lengths, ranks, ShardSchedule.parse(schedule), Math.max(1, reps),
                        spec.commandLine().getOut());
            }
        }
    }

    private static void checkPositive(List<Integer> values, String flag) {
        for (int v : values) if (v < 1) throw new RingmemException(flag + " values must be positive, got " + v);
    }
}
