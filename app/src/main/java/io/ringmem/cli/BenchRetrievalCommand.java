package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.Machine;
import io.ringmem.bench.RetrievalBenchmark;
import io.ringmem.kv.RetrievalScoring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench retrieval}: {@link RetrievalBenchmark}, the needle-ranking table of docs/quality.md. */
@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "Planted-needle block ranking among many blocks per retrieval scoring (mean, token, rescore; exact attention"
                + " as the oracle), each scoring's time per query chunk against mean's in the same run, and the two-level index"
                + " against the flat scan.")
final class BenchRetrievalCommand implements Runnable {
    @Option(names = "--blocks", split = ",", defaultValue = "1024,16384", paramLabel = "N,N",
            description = "stored blocks (64K and 1M tokens at 64-token blocks by default: ${DEFAULT-VALUE})")
    List<Integer> blocks;

    @Option(names = "--summary-keys", split = ",", defaultValue = "1,4,16", paramLabel = "R,R",
            description = "representative keys per block summary to compare (default: ${DEFAULT-VALUE})")
    List<Integer> reps;

    @Option(names = "--block-tokens", defaultValue = "64", paramLabel = "T", description = "tokens per block and per query chunk"
            + " (default: ${DEFAULT-VALUE})")
    int blockTokens;

    @Option(names = "--shape", defaultValue = "8,2,32", paramLabel = "H,KVH,D",
            description = "query heads, KV heads, head dim (default: ${DEFAULT-VALUE}, synthetic-gqa's)")
    String shape;

    @Option(names = "--top-k", defaultValue = "4", paramLabel = "K", description = "blocks retrieved (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--candidates", paramLabel = "C", description = "blocks rescore rescores (default: "
            + RetrievalScoring.DEFAULT_CANDIDATES_PER_BLOCK + " x top-k)")
    Integer candidates;

    @Option(names = "--trials", defaultValue = "12", paramLabel = "N", description = "planted needles per block count; the first"
            + " is not timed (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--segment-blocks", defaultValue = "32", paramLabel = "B",
            description = "blocks per segment of the two-level index (default: ${DEFAULT-VALUE}: 2048-token segments)")
    int segmentBlocks;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.allAtLeast(blocks, 1, "--blocks");
        for (int b : blocks) if (b > 1 << 20) throw new RingmemException("--blocks values must be at most " + (1 << 20) + ", got " + b);
        BenchArgs.atLeast(blockTokens, 1, "--block-tokens");
        BenchArgs.allAtLeast(reps, 1, "--summary-keys");
        BenchArgs.atLeast(topK, 1, "--top-k");
        BenchArgs.atLeast(trials, 2, "--trials");
        BenchArgs.atLeast(segmentBlocks, 1, "--segment-blocks");
        int[] s = parseShape(shape);
        int c = candidates != null ? BenchArgs.atLeast(candidates, topK, "--candidates")
                : RetrievalScoring.DEFAULT_CANDIDATES_PER_BLOCK * topK;
        PrintWriter out = spec.commandLine().getOut();
        List<Object> rows = new ArrayList<>();
        if (!json) {
            out.printf(Locale.ROOT, "needle among random keys of the same norm: shape %s, %d-token blocks, top-%d, rescore of %d,"
                    + " %d trials%n%n", shape, blockTokens, topK, c, trials);
            out.println("| blocks | keys / block | scoring | needle in top-k | median rank | s / chunk (min-max) | x mean |");
            out.println("|---:|---:|---|---:|---:|---:|---:|");
            out.flush();
        }
        RetrievalBenchmark.run(seed, blocks, reps, blockTokens, s, topK, c, trials, segmentBlocks, new RetrievalBenchmark.Listener() {
            @Override
            public void row(RetrievalBenchmark.Row r) {
                rows.add(r);
                if (json) return;
                out.printf(Locale.ROOT, "| %d | %d | %s | %.0f%% | %.0f | %s | %s |%n", r.blocks(), r.summaryKeys(), r.scoring(),
                        100 * r.found(), r.medianRank(), Double.isNaN(r.secondsPerChunk()) ? "-"
                                : String.format(Locale.ROOT, "%.5f (%.5f-%.5f)", r.secondsPerChunk(), r.minSeconds(), r.maxSeconds()),
                        Double.isNaN(r.ratioToMean()) ? "-" : String.format(Locale.ROOT, "%.1f", r.ratioToMean()));
                out.flush();
            }

            @Override
            public void twoLevel(RetrievalBenchmark.TwoLevelRow r) {
                rows.add(r);
                if (json) return;
                out.printf(Locale.ROOT, "two-level (mean scoring), %d blocks x %d keys, %d per segment, visit <= %d segments:"
                                + " identical top-k %.0f%%, recall of flat top-k %.0f%%, segments visited %.0f%%, memory %d vs flat %d B%n",
                        r.blocks(), r.summaryKeys(), r.blocksPerSegment(), r.maxSegments(), 100 * r.identical(), 100 * r.recall(),
                        100 * r.visitedShare(), r.twoLevelBytes(), r.flatBytes());
                out.flush();
            }
        });
        if (json) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("shape", shape);
            settings.put("blockTokens", blockTokens);
            settings.put("topK", topK);
            settings.put("candidates", c);
            settings.put("trials", trials);
            settings.put("segmentBlocks", segmentBlocks);
            settings.put("seed", seed);
            new BenchReport("retrieval", Machine.detect(), settings, "mean scoring in the same run", rows).print(out);
        }
    }

    private static int[] parseShape(String s) {
        String[] p = s.split(",");
        try {
            if (p.length != 3) throw new NumberFormatException();
            int[] v = {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()), Integer.parseInt(p[2].strip())};
            if (v[0] < 1 || v[1] < 1 || v[2] < 1 || v[0] % v[1] != 0 || v[2] > 1024 || v[0] > 1024) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new RingmemException("--shape must be H,KVH,D: positive, H a multiple of KVH, at most 1024 each; got '" + s + "'");
        }
    }
}
