package io.ringmem.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.bench.Machine;
import io.ringmem.bench.RecallBenchmark;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import io.ringmem.report.RecallPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ringmem bench recall}: {@link RecallBenchmark}, needle recall against document length per mode, on the
 * checkpoint of {@code make-recall-model}. With {@code --json} stdout is one object whose {@code rows} are
 * {@link RecallBenchmark.Row}s (beside {@code bench}, {@code machine} and {@code settings}).
 */
@Command(name = "recall", mixinStandardHelpOptions = true,
        description = "Needle recall (K_i V_j planted in filler, queried at the end) against document length, per mode, on"
                + " the recall model of 'ringmem make-recall-model'.")
final class BenchRecallCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--lengths", split = ",", defaultValue = "4096,65536", paramLabel = "N,N",
            description = "document lengths in tokens (default: ${DEFAULT-VALUE})")
    List<Integer> lengths;

    @Option(names = "--needles", defaultValue = "8", paramLabel = "n",
            description = "needles per document, 1..64 (default: ${DEFAULT-VALUE})")
    int needles;

    @Option(names = "--depths", split = ",", paramLabel = "D,D",
            description = "needle depths in [0, 1], one document per depth with every needle there (default: one document"
                    + " with seeded random depths)")
    List<Double> depths = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "document seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--modes", split = ",", defaultValue = "exact,window,retrieval", paramLabel = "M,M",
            description = "exact, window, retrieval, retrieval-none|int8|int4|int2, retrieval-hazelcast, retrieval-per-token,"
                    + " retrieval-last-exact, retrieval-last-exact-none|int8|int4|int2|hazelcast,"
                    + " retrieval-two-level (two-level index, exhaustive), retrieval-two-level-N (at most N segments read per"
                    + " ranking) (default: ${DEFAULT-VALUE})")
    List<String> modes;

    @Option(names = "--distractors", defaultValue = "1", paramLabel = "LEVEL",
            description = "share of filler tokens that are distractors (random content codes of a key's norm), 0..1"
                    + " (default: ${DEFAULT-VALUE}; docs/quality.md)")
    double distractors;

    @Option(names = "--segment-tokens", defaultValue = "2048", paramLabel = "S", description = "segment size (default: ${DEFAULT-VALUE})")
    int segmentTokens;

    @Option(names = "--retrieve-top-k", defaultValue = "4", paramLabel = "K",
            description = "blocks retrieved per layer and query chunk in the retrieval modes (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--kv-block-tokens", defaultValue = "64", paramLabel = "N",
            description = "tokens per stored KV block; queries are placed this far apart (default: ${DEFAULT-VALUE})")
    int kvBlockTokens;

    @Option(names = "--summary-keys", defaultValue = "1", paramLabel = "R",
            description = "representative keys per stored block in the retrieval modes' summaries (default: ${DEFAULT-VALUE},"
                    + " the block's mean key)")
    int summaryKeys;

    @Option(names = "--exact-max-tokens", defaultValue = "65536", paramLabel = "N",
            description = "the longest document the exact mode may run; longer fails up front (default: ${DEFAULT-VALUE})")
    int exactMax;

    @Option(names = "--plot", paramLabel = "FILE", description = "also write recall vs length as a PNG, one line per mode")
    Path plot;

    @Option(names = "--plot-rows", split = ",", paramLabel = "FILE,FILE",
            description = "also plot the rows of earlier 'bench recall --json' outputs (for example exact at 64K beside segment"
                    + " modes at 1M, which one run cannot hold)")
    List<Path> plotRows = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.allAtLeast(lengths, 2, "--lengths");
        BenchArgs.atLeast(needles, 1, "--needles");
        if (needles > 64) throw new RingmemException("--needles must be at most 64 (the recall model has 64 keys), got " + needles);
        for (double d : depths) if (!(d >= 0 && d <= 1)) throw new RingmemException("--depths values must be in [0, 1], got " + d);
        if (!(distractors >= 0 && distractors <= 1)) throw new RingmemException("--distractors must be in [0, 1], got " + distractors);
        BenchArgs.atLeast(segmentTokens, 1, "--segment-tokens");
        BenchArgs.atLeast(topK, 1, "--retrieve-top-k");
        BenchArgs.atLeast(kvBlockTokens, 1, "--kv-block-tokens");
        BenchArgs.atLeast(summaryKeys, 1, "--summary-keys");
        List<String> ms = modes.stream().map(m -> m.trim().toLowerCase(Locale.ROOT)).toList();
        RecallBenchmark.Settings s = new RecallBenchmark.Settings(lengths, needles, depths, seed, ms, distractors, segmentTokens,
                topK, kvBlockTokens, exactMax, summaryKeys);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (LoadedModel m = options.load(err); Backend k = options.createBackend(err)) {
            if (m.config().vocabSize() < 3 + 64 + 63) {
                throw new RingmemException(m.source() + " is not a recall model (make one with 'ringmem make-recall-model')");
            }
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            RecallBenchmark.check(s, model);
            List<RecallBenchmark.Row> rows = new ArrayList<>();
            if (!json) {
                out.printf(Locale.ROOT, "%s: %d needles, distractor level %s, segments of %d, top-%d blocks of %d%n%n",
                        m.source().getFileName(), needles, distractors, segmentTokens, topK, kvBlockTokens);
                out.println("| length | depth | mode | needles | recall | answer NLL | seconds | peak heap MB |");
                out.println("|---:|---|---|---:|---:|---:|---:|---:|");
                out.flush();
            }
            RecallBenchmark.run(model, options.runConfig(), s, r -> {
                rows.add(r);
                if (json) return;
                out.printf(Locale.ROOT, "| %d | %s | %s | %d | %.3f | %.4f | %.1f | %.0f |%n", r.length(),
                        r.depth() instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : r.depth(), r.mode(), r.needles(),
                        r.recall(), r.answerNll(), r.seconds(), r.peakHeapBytes() / 1e6);
                out.flush();
            });
            List<RecallBenchmark.Row> plotted = new ArrayList<>(earlierRows());
            plotted.addAll(rows);
            if (plot != null) {
                new RecallPlot("needle recall, " + m.source().getFileName() + ", distractors " + distractors).write(series(plotted), plot);
            }
            if (json) printJson(out, m, s, rows);
        }
    }

    /** The rows of the {@code --plot-rows} files. */
    private List<RecallBenchmark.Row> earlierRows() {
        List<RecallBenchmark.Row> out = new ArrayList<>();
        for (Path f : plotRows) {
            try {
                JsonNode rows = new ObjectMapper().readTree(f.toFile()).path("rows");
                if (!rows.isArray()) throw new RingmemException(f + ": no \"rows\" array (not a 'bench recall --json' output)");
                for (JsonNode r : rows) {
                    out.add(new RecallBenchmark.Row(r.path("length").asInt(), r.path("depth").asText(), r.path("mode").asText(),
                            r.path("needles").asInt(), r.path("recall").asDouble(), r.path("answerNll").asDouble(),
                            r.path("seconds").asDouble(), r.path("peakHeapBytes").asLong()));
                }
            } catch (IOException e) {
                throw new RingmemException(f + ": cannot read (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    private static Map<String, TreeMap<Integer, Double>> series(List<RecallBenchmark.Row> rows) {
        Map<String, TreeMap<Integer, double[]>> sums = new LinkedHashMap<>();
        for (RecallBenchmark.Row r : rows) {
            double[] a = sums.computeIfAbsent(r.mode(), x -> new TreeMap<>()).computeIfAbsent(r.length(), x -> new double[2]);
            a[0] += r.recall();
            a[1]++;
        }
        Map<String, TreeMap<Integer, Double>> out = new LinkedHashMap<>();
        sums.forEach((mode, m) -> {
            TreeMap<Integer, Double> t = new TreeMap<>();
            m.forEach((n, a) -> t.put(n, a[0] / a[1]));
            out.put(mode, t);
        });
        return out;
    }

    private void printJson(PrintWriter out, LoadedModel m, RecallBenchmark.Settings s, List<RecallBenchmark.Row> rows) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", m.source().getFileName().toString());
        settings.put("workers", options.runConfig().ranks());
        settings.put("distractors", s.distractors());
        settings.put("segmentTokens", s.segmentTokens());
        settings.put("retrieveTopK", s.topK());
        settings.put("kvBlockTokens", s.blockTokens());
        settings.put("summaryKeys", s.summaryKeys());
        settings.put("seed", s.seed());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "recall");
        report.put("machine", Machine.detect());
        report.put("settings", settings);
        report.put("rows", rows);
        try {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
