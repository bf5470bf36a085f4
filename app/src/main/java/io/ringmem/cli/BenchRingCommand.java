package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.Machine;
import io.ringmem.bench.RingOverheadBenchmark;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.ring.ShardSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench ring}: {@link RingOverheadBenchmark}, ring attention against one single-rank call. */
@Command(name = "ring", mixinStandardHelpOptions = true,
        description = "Causal ring attention with P ranks vs one single-rank blockwise attention call on the same inputs.")
final class BenchRingCommand implements Runnable {
    @Option(names = "--heads", defaultValue = "8", paramLabel = "N", description = "query heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "2", paramLabel = "N", description = "KV heads (default: ${DEFAULT-VALUE})")
    int kvHeads;

    @Option(names = "--head-dim", defaultValue = "32", paramLabel = "N", description = "head dimension (default: ${DEFAULT-VALUE})")
    int headDim;

    @Option(names = "--lengths", split = ",", defaultValue = "1024,4096,16384", paramLabel = "N,N",
            description = "sequence lengths (default: ${DEFAULT-VALUE})")
    List<Integer> lengths;

    @Option(names = "--ranks", split = ",", defaultValue = "2,4", paramLabel = "P,P",
            description = "rank counts of the ring (default: ${DEFAULT-VALUE})")
    List<Integer> ranks;

    @Option(names = "--schedule", defaultValue = "zigzag", paramLabel = "zigzag|contiguous",
            description = "how tokens are split over ranks (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--kernels", defaultValue = "vector", paramLabel = "vector|scalar",
            description = "CPU kernels (default: ${DEFAULT-VALUE})")
    String kernels;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: available processors)")
    Integer threads;

    @Option(names = "--reps", defaultValue = "3", paramLabel = "N",
            description = "measured repetitions after one warm-up, median reported (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.allAtLeast(lengths, 1, "--lengths");
        BenchArgs.allAtLeast(ranks, 1, "--ranks");
        BenchArgs.atLeast(reps, 1, "--reps");
        ShardSchedule order = ShardSchedule.parse(schedule);
        AttentionShape shape;
        try {
            shape = AttentionShape.of(heads, kvHeads, headDim);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Kernels k = ModelSpec.kernels(kernels, threads, Runtime.getRuntime().availableProcessors())) {
            if (!json) {
                out.printf(Locale.ROOT, "ring attention vs single-rank blockwise attention: heads %d / kv %d, head dim %d, causal,"
                        + " kernels=%s, %s%n", heads, kvHeads, headDim, k.name(), order.name().toLowerCase(Locale.ROOT));
                out.println("| tokens | P | seconds | single-rank seconds | ring / single |");
                out.println("|---:|---:|---:|---:|---:|");
                out.flush();
            }
            List<RingOverheadBenchmark.Row> rows = RingOverheadBenchmark.run(k, shape, lengths, ranks, order, reps, r -> {
                if (json) return;
                out.printf(Locale.ROOT, "| %d | %d | %.4f | %.4f | %.3f |%n", r.tokens(), r.ranks(), r.seconds(),
                        r.singleRankSeconds(), r.ratio());
                out.flush();
            });
            if (json) {
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("shape", shape);
                settings.put("kernels", k.name());
                settings.put("schedule", order.name().toLowerCase(Locale.ROOT));
                settings.put("reps", reps);
                new BenchReport("ring", Machine.detect(), settings, "one single-rank blockwise attention call", rows).print(out);
            }
        }
    }
}
