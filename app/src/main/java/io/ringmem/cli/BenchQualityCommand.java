package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.bench.Machine;
import io.ringmem.bench.QualityBenchmark;
import io.ringmem.forward.Generator;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.Sampler;
import io.ringmem.model.LoadedModel;
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
import java.util.SplittableRandom;

/** {@code ringmem bench quality}: {@link QualityBenchmark}, the segment-mode quality table of docs/quality.md. */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Mean NLL of exact attention vs segment mode (carried context, codecs, retrieval) on one document.")
final class BenchQualityCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--tokens", defaultValue = "2048", paramLabel = "N",
            description = "document length (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--source", defaultValue = "sample", paramLabel = "sample|random",
            description = "sample: the model's own text (temperature 0.8, seed 7, from BOS); random: seeded uniform ids"
                    + " (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--segments", split = ",", defaultValue = "128,512", paramLabel = "S,S",
            description = "segment sizes (default: ${DEFAULT-VALUE})")
    List<Integer> segments;

    @Option(names = "--top-k", defaultValue = "4", paramLabel = "K",
            description = "blocks retrieved per layer and rank (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.atLeast(tokens, 2, "--tokens");
        BenchArgs.allAtLeast(segments, 1, "--segments");
        BenchArgs.atLeast(topK, 1, "--top-k");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (LoadedModel m = options.load(err); Backend k = options.createBackend(err)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            int[] ids = switch (source.toLowerCase(Locale.ROOT)) {
                case "random" -> new SplittableRandom(tokens).ints(tokens, 0, m.config().vocabSize()).toArray();
                case "sample" -> {
                    int bos = m.tokenizer() != null && m.tokenizer().bos() >= 0 ? m.tokenizer().bos() : 1;
                    err.printf("ringmem: sampling %d tokens from the model (temperature 0.8, seed 7)%n", tokens);
                    yield new Generator(model, options.runConfig().withRanks(1)).generate(new int[]{bos}, tokens - 1,
                            new Sampler(0.8, 1.0, 7), id -> false, id -> true);
                }
                default -> throw new RingmemException("unknown --source '" + source + "': use sample or random");
            };
            String name = m.source().getFileName().toString();
            QualityTable table = new QualityTable(name, ids.length, json ? null : out);
            QualityBenchmark.run(model, ids, segments, topK, options.runConfig(), table);
            if (json) {
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("model", name);
                settings.put("tokens", ids.length);
                settings.put("source", source.toLowerCase(Locale.ROOT));
                settings.put("segments", segments);
                settings.put("topK", topK);
                settings.put("recovery", table.recoveries());
                new BenchReport("quality", Machine.detect(), settings, "exact full attention in the same run", table.rows()).print(out);
            }
        }
    }
}
