package io.ringmem.bench;

import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Scorer;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;

import java.io.PrintWriter;
import java.util.List;

/**
 * Quality cost of segment mode: mean NLL of exact full attention against segments with no carried context,
 * with sinks + window only, with top-k retrieval per codec, and with every block retrieved per codec (which
 * isolates the codec's own error). One table row per setting; Δ is against exact in the same run. Run with
 * {@code bin/ringmem bench quality}.
 */
public final class QualityBenchmark {
    private QualityBenchmark() {
    }

    public static void run(String name, LlamaModel model, int[] ids, List<Integer> segmentSizes, int topK, RunConfig run,
                           PrintWriter out) {
        double exact = new Scorer(model, run).score(ids).meanNll();
        out.printf("| %s | %d | exact full attention | – | %.4f | 0 | – |%n", name, ids.length, exact);
        out.flush();
        for (int s : segmentSizes) {
            SegmentConfig base = SegmentConfig.of(s);
            double none = row(name, ids, model, run, base.withCarried(0, 0).withRetrieveTopK(0), "S=" + s + ", no carried context",
                    exact, out);
            double local = row(name, ids, model, run, base.withRetrieveTopK(0), "S=" + s + ", sinks + window", exact, out);
            for (String codec : List.of("none", "int8", "int4", "int2")) {
                double r = row(name, ids, model, run, base.withCodec(codec).withRetrieveTopK(topK),
                        "S=" + s + ", sinks + window + top-" + topK, exact, out);
                if (codec.equals("int8")) {
                    out.printf("|  |  | (top-%d int8 recovers %.0f%% of the no-context gap; sinks + window alone %.0f%%) |  |  |  |  |%n",
                            topK, 100 * (none - r) / (none - exact), 100 * (none - local) / (none - exact));
                }
            }
            int allBlocks = ids.length / base.blockTokens() + 1;
            for (String codec : List.of("int8", "int4", "int2")) {
                row(name, ids, model, run, base.withCodec(codec).withRetrieveTopK(allBlocks),
                        "S=" + s + ", every block retrieved", exact, out);
            }
            row(name, ids, model, run, base.withCodec("int8").withRetrieveTopK(topK).withKeepRatio(0.5),
                    "S=" + s + ", sinks + window + top-" + topK + ", keep 50% of tokens", exact, out);
            row(name, ids, model, run, base.withCodec("int8").withRetrieveTopK(allBlocks).withKeepRatio(0.5),
                    "S=" + s + ", every block retrieved, keep 50% of tokens", exact, out);
        }
    }

    private static double row(String name, int[] ids, LlamaModel model, RunConfig run, SegmentConfig cfg, String setting,
                              double exact, PrintWriter out) {
        InMemoryKvBlockStore store = new InMemoryKvBlockStore(model.config().layers());
        SegmentScoreResult r = new SegmentedScorer(model, run, cfg.withMemoryTokens(false), store).score(ids, s -> { });
        boolean codecMatters = cfg.retrieveTopK() > 0;
        out.printf("| %s | %d | %s | %s | %.4f | %+.4f | %s |%n", name, ids.length, setting, codecMatters ? cfg.codec() : "–",
                r.meanNll(), r.meanNll() - exact, codecMatters ? String.format("%.2f×", r.compressionRatio()) : "–");
        out.flush();
        return r.meanNll();
    }
}
