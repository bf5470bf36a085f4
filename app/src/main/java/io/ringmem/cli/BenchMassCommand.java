package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.bench.AttentionMassBenchmark;
import io.ringmem.bench.Machine;
import io.ringmem.bench.PositionsBenchmark;
import io.ringmem.forward.LlamaModel;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.model.LoadedModel;
import io.ringmem.recall.RecallDocument;
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

/** {@code ringmem bench retrieval-mass}: {@link AttentionMassBenchmark}, the attention-mass table of docs/quality.md. */
@Command(name = "retrieval-mass", mixinStandardHelpOptions = true,
        description = "Share of exact attention mass that segment mode's carried context holds (sinks, window, own segment and"
                + " the retrieved blocks) per retrieval scoring, at sampled positions of a long document, from one exact prefill.")
final class BenchMassCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--tokens", defaultValue = "4096", paramLabel = "N", description = "document tokens (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--source", defaultValue = "samples", paramLabel = "samples|random",
            description = "samples: the model's own samples concatenated (needs a tokenizer); random: seeded random ids"
                    + " (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--segment-tokens", defaultValue = "512", paramLabel = "S", description = "segment (default: ${DEFAULT-VALUE})")
    int segment;

    @Option(names = "--window-tokens", defaultValue = "128", paramLabel = "W", description = "window (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--sink-tokens", defaultValue = "4", paramLabel = "N", description = "sinks (default: ${DEFAULT-VALUE})")
    int sinks;

    @Option(names = "--kv-block-tokens", defaultValue = "64", paramLabel = "B", description = "block and query chunk (default:"
            + " ${DEFAULT-VALUE})")
    int block;

    @Option(names = "--retrieve-top-k", defaultValue = "4", paramLabel = "K", description = "retrieved blocks (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--samples", defaultValue = "48", paramLabel = "N", description = "sampled query positions (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "3", description = "seed of the positions and random ids (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--recall-needles", paramLabel = "N",
            description = "instead of sampled positions: a recall-model document (io.ringmem.recall.RecallDocument) with N needles at"
                    + " depths spread over the haystack, measured at its N query positions; each row also says how often the"
                    + " needle's answer token was carried")
    Integer recallNeedles;

    @Option(names = "--distractors", defaultValue = "1", paramLabel = "LEVEL",
            description = "with --recall-needles: share of fillers that are distractors, in [0, 1] (default: ${DEFAULT-VALUE})")
    double distractors;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.atLeast(segment, 2, "--segment-tokens");
        BenchArgs.atLeast(block, 1, "--kv-block-tokens");
        BenchArgs.atLeast(topK, 1, "--retrieve-top-k");
        BenchArgs.atLeast(samples, 1, "--samples");
        BenchArgs.atLeast(window, 0, "--window-tokens");
        BenchArgs.atLeast(sinks, 0, "--sink-tokens");
        if (segment % block != 0) throw new RingmemException("--segment-tokens must be a multiple of --kv-block-tokens");
        if (recallNeedles == null) BenchArgs.atLeast(tokens, 2 * segment + 1, "--tokens");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (LoadedModel m = options.load(err); Backend k = options.createBackend(err)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            boolean random = source.toLowerCase(Locale.ROOT).equals("random") || m.tokenizer() == null;
            int[] ids, positions = null, targets = null;
            if (recallNeedles != null) {
                BenchArgs.atLeast(recallNeedles, 1, "--recall-needles");
                double[] depths = new double[recallNeedles];
                for (int i = 0; i < depths.length; i++) depths[i] = (i + 0.5) / depths.length;
                RecallDocument doc = RecallDocument.of(tokens, recallNeedles, depths, distractors, seed, block);
                ids = doc.ids();
                positions = doc.queries();
                targets = new int[recallNeedles];
                for (int i = 0; i < targets.length; i++) targets[i] = doc.needles()[i] + 1; // the answer the induction head reads
            } else if (random) ids = new SplittableRandom(seed).ints(tokens, 3, m.config().vocabSize()).toArray();
            else {
                int bos = m.tokenizer().bos() >= 0 ? m.tokenizer().bos() : 1;
                ids = PositionsBenchmark.distinctSamples(model, options.runConfig(), bos, m.tokenizer().eos(), tokens,
                        m.config().maxPositions());
            }
            int c = RetrievalScoring.DEFAULT_CANDIDATES_PER_BLOCK * topK;
            List<AttentionMassBenchmark.Variant> variants = List.of(new AttentionMassBenchmark.Variant("none", null, 1),
                    new AttentionMassBenchmark.Variant("mean", RetrievalScoring.MEAN, 1),
                    new AttentionMassBenchmark.Variant("token", RetrievalScoring.TOKEN, 1),
                    new AttentionMassBenchmark.Variant("token, 4 keys", RetrievalScoring.TOKEN, 4),
                    new AttentionMassBenchmark.Variant("rescore, 4 keys", RetrievalScoring.RESCORE, 4),
                    new AttentionMassBenchmark.Variant("token, 16 keys", RetrievalScoring.TOKEN, 16),
                    new AttentionMassBenchmark.Variant("rescore, 16 keys", RetrievalScoring.RESCORE, 16),
                    new AttentionMassBenchmark.Variant("oracle", null, 1));
            var settings = new AttentionMassBenchmark.Settings(segment, sinks, window, block, topK, c);
            List<AttentionMassBenchmark.Row> rows = positions == null
                    ? AttentionMassBenchmark.run(model, options.runConfig(), ids, settings, variants, samples, seed)
                    : AttentionMassBenchmark.run(model, options.runConfig(), ids, settings, variants, positions, targets);
            String name = m.source().getFileName().toString();
            if (json) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("model", name);
                s.put("tokens", ids.length);
                s.put("source", recallNeedles != null ? "recall document, distractors " + distractors : random ? "random" : "samples");
                s.put("settings", settings);
                s.put("samples", samples);
                new BenchReport("retrieval-mass", Machine.detect(), s, "none (sinks + window + own segment) in the same run", rows)
                        .print(out);
                return;
            }
            out.printf(Locale.ROOT, "%s, %d tokens (%s), S=%d, W=%d, sinks %d, blocks %d, top-%d, %d sampled positions%n%n", name,
                    ids.length, random ? "random ids" : "its own samples", segment, window, sinks, block, topK, samples);
            out.println("| retrieval | layer | carried share of exact attention mass (mean) | 10th percentile | needle carried |");
            out.println("|---|---|---:|---:|---:|");
            for (AttentionMassBenchmark.Row r : rows) {
                String found = Double.isNaN(r.targetFound()) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.targetFound());
                out.printf(Locale.ROOT, "| %s | %s | %.4f | %.4f | %s |%n", r.variant(), r.layer() < 0 ? "all" : String.valueOf(r.layer()),
                        r.carriedShare(), r.p10(), found);
            }
            out.flush();
        }
    }
}
