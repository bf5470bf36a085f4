package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.bench.Machine;
import io.ringmem.bench.PositionsBenchmark;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench positions}: {@link PositionsBenchmark}, the positions-policy table of docs/quality.md. */
@Command(name = "positions", mixinStandardHelpOptions = true,
        description = "Mean NLL per trained-context window past the model's context: exact vs segments with document or window"
                + " positions, and the window policy's cost per segment.")
final class BenchPositionsCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--tokens", defaultValue = "2048", paramLabel = "N",
            description = "document length at most: the model's own sample (temperature 0.8, seed 7, from BOS, at most the"
                    + " trained context) repeated whole (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--source", defaultValue = "repeated", paramLabel = "repeated|samples",
            description = "repeated: one sample repeated whole; samples: distinct samples (seeds 7, 8, ...) concatenated"
                    + " (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--segments", split = ",", defaultValue = "512,256", paramLabel = "S,S",
            description = "segment sizes (default: ${DEFAULT-VALUE})")
    List<Integer> segments;

    @Option(names = "--context-tokens", paramLabel = "C",
            description = "the trained context (default: the model's max_position_embeddings / context_length)")
    Integer context;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "R",
            description = "timed runs per policy and segment size, alternating, after one warm-up round (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.atLeast(tokens, 2, "--tokens");
        BenchArgs.allAtLeast(segments, 1, "--segments");
        BenchArgs.atLeast(repeats, 1, "--repeats");
        if (context != null) BenchArgs.atLeast(context, 1, "--context-tokens");
        String kind = source.toLowerCase(Locale.ROOT);
        if (!kind.equals("repeated") && !kind.equals("samples")) {
            throw new RingmemException("unknown --source '" + source + "': use repeated or samples");
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (LoadedModel m = options.load(err); Backend k = options.createBackend(err)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            int c = context != null ? context : m.config().maxPositions();
            int bos = m.tokenizer() != null && m.tokenizer().bos() >= 0 ? m.tokenizer().bos() : 1;
            int eos = m.tokenizer() != null ? m.tokenizer().eos() : -1;
            int[] ids = kind.equals("samples") ? PositionsBenchmark.distinctSamples(model, options.runConfig(), bos, eos, tokens, c)
                    : PositionsBenchmark.repeatedSample(model, options.runConfig(), bos, eos, tokens, c);
            String name = m.source().getFileName().toString();
            List<PositionsBenchmark.Row> rows = new ArrayList<>();
            List<PositionsBenchmark.Cost> costs = new ArrayList<>();
            if (!json) {
                out.printf("%s, %d tokens (%s), trained context %d: mean NLL per %d-token window%n%n", name, ids.length,
                        kind.equals("samples") ? "distinct samples of its own" : "its own sample repeated", c, c);
                out.println("| setting | positions | mean NLL | per window | s / segment |");
                out.println("|---|---|---:|---|---:|");
                out.flush();
            }
            PositionsBenchmark.run(model, ids, segments, c, repeats, options.runConfig(), new PositionsBenchmark.Listener() {
                @Override
                public void row(PositionsBenchmark.Row r) {
                    rows.add(r);
                    if (json) return;
                    List<String> w = new ArrayList<>();
                    for (double v : r.windowNll()) w.add(String.format(Locale.ROOT, "%.2f", v));
                    out.printf(Locale.ROOT, "| %s | %s | %.4f | %s | %.4f |%n", r.setting(), r.positions(), r.meanNll(),
                            String.join(" / ", w), r.secondsPerSegment());
                    out.flush();
                }

                @Override
                public void cost(PositionsBenchmark.Cost cost) {
                    costs.add(cost);
                    if (json) return;
                    out.printf(Locale.ROOT, "%nS=%d: per segment, window / document positions: wall %.4f / %.4f s (ratio %.3f),"
                            + " CPU %.4f / %.4f s (ratio %.3f)%n", cost.segmentTokens(), cost.windowSeconds(), cost.documentSeconds(),
                            cost.ratio(), cost.windowCpuSeconds(), cost.documentCpuSeconds(), cost.cpuRatio());
                    out.flush();
                }
            });
            if (json) {
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("model", name);
                settings.put("tokens", ids.length);
                settings.put("contextTokens", c);
                settings.put("source", kind);
                settings.put("segments", segments);
                settings.put("cost", costs);
                new BenchReport("positions", Machine.detect(), settings, "document positions in the same run", rows).print(out);
            }
        }
    }
}
