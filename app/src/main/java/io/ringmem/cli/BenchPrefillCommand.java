package io.ringmem.cli;

import io.ringmem.backend.Backend;
import io.ringmem.bench.Machine;
import io.ringmem.bench.PrefillBenchmark;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import io.ringmem.ring.ShardSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench prefill}: {@link PrefillBenchmark}, end-to-end prefill throughput per length and rank count. */
@Command(name = "prefill", mixinStandardHelpOptions = true,
        description = "End-to-end prefill tokens/s on seeded random tokens for each length and rank count.")
final class BenchPrefillCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--lengths", split = ",", defaultValue = "1024,4096,16384", paramLabel = "N,N",
            description = "sequence lengths (default: ${DEFAULT-VALUE})")
    List<Integer> lengths;

    @Option(names = "--ranks", split = ",", defaultValue = "1,2", paramLabel = "P,P",
            description = "rank counts to compare; the first is the baseline (default: ${DEFAULT-VALUE})")
    List<Integer> ranks;

    @Option(names = "--reps", defaultValue = "1", paramLabel = "N",
            description = "measured repetitions, median reported (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        BenchArgs.allAtLeast(lengths, 1, "--lengths");
        BenchArgs.allAtLeast(ranks, 1, "--ranks");
        BenchArgs.atLeast(reps, 1, "--reps");
        ShardSchedule schedule = ShardSchedule.parse(options.schedule);
        try (LoadedModel m = options.load(spec.commandLine().getErr()); Backend k = options.createBackend(spec.commandLine().getErr())) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            if (!json) {
                out.printf(Locale.ROOT, "prefill: kernels=%s, schedule=%s, median of %d run(s) after 1 warm-up%n", k.name(),
                        schedule.name().toLowerCase(Locale.ROOT), reps);
                out.println("| tokens | P | seconds | tokens/s | vs P=" + ranks.getFirst() + " | ring wait share |");
                out.println("|---:|---:|---:|---:|---:|---:|");
                out.flush();
            }
            List<PrefillBenchmark.Row> rows = PrefillBenchmark.run(model, lengths, ranks, schedule, options.blockTokens, reps,
                    r -> {
                        if (json) return;
                        out.printf(Locale.ROOT, "| %d | %d | %.3f | %.0f | %.2f× | %.1f%% |%n", r.tokens(), r.ranks(), r.seconds(),
                                r.tokensPerSecond(), r.speedup(), 100 * r.ringWaitShare());
                        out.flush();
                    });
            if (json) {
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("model", m.source().getFileName().toString());
                settings.put("kernels", k.name());
                settings.put("schedule", schedule.name().toLowerCase(Locale.ROOT));
                settings.put("blockTokens", options.blockTokens);
                settings.put("reps", reps);
                new BenchReport("prefill", Machine.detect(), settings, "P=" + ranks.getFirst() + " at the same length", rows)
                        .print(out);
            }
        }
    }
}
