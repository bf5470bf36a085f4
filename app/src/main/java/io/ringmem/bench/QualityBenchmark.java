package io.ringmem.bench;

import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Scorer;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;

import java.util.List;

/**
 * Quality cost of segment mode: mean NLL of exact full attention against segments with no carried context,
 * with sinks + window only, with top-k retrieval per codec, and with every block retrieved per codec (which
 * isolates the codec's own error). One row per setting; Δ is against exact in the same run. Run with
 * {@code bin/ringmem bench quality}.
 */
public final class QualityBenchmark {

    /**
     * One setting's mean NLL over the document.
     *
     * @param codec            the KV codec of retrieved blocks; null where nothing is retrieved (it does not matter)
     * @param deltaVsExact     meanNll minus the exact full-attention mean NLL of the same run
     * @param compressionRatio fp32 bytes over stored bytes of the retrieved blocks; null where nothing is retrieved
     */
    public record Row(String setting, String codec, double meanNll, double deltaVsExact, Double compressionRatio) {
    }

    /**
     * How much of the gap between no carried context and exact attention one segment size closes.
     *
     * @param topKInt8Share    share closed by sinks + window + top-k retrieval with int8
     * @param sinksWindowShare share closed by sinks + window alone
     */
    public record Recovery(int segmentTokens, int topK, double topKInt8Share, double sinksWindowShare) {
    }

    /** Receives results as they are measured. */
    public interface Listener {
        void row(Row row);

        void recovery(Recovery recovery);
    }

    private QualityBenchmark() {
    }

    /** Scores exact attention (the first row), then every setting for each segment size. */
    public static void run(LlamaModel model, int[] ids, List<Integer> segmentSizes, int topK, RunConfig run, Listener out) {
        double exact = new Scorer(model, run).score(ids).meanNll();
        out.row(new Row("exact full attention", null, exact, 0, null));
        for (int s : segmentSizes) {
            SegmentConfig base = SegmentConfig.of(s);
            Scoring scoring = new Scoring(model, ids, run, exact, out);
            double none = scoring.row(base.withCarried(0, 0).withRetrieveTopK(0), "S=" + s + ", no carried context");
            double local = scoring.row(base.withRetrieveTopK(0), "S=" + s + ", sinks + window");
            for (String codec : List.of("none", "int8", "int4", "int2")) {
                double r = scoring.row(base.withCodec(codec).withRetrieveTopK(topK), "S=" + s + ", sinks + window + top-" + topK);
                if (codec.equals("int8")) {
                    out.recovery(new Recovery(s, topK, (none - r) / (none - exact), (none - local) / (none - exact)));
                }
            }
            int allBlocks = ids.length / base.blockTokens() + 1;
            for (String codec : List.of("int8", "int4", "int2")) {
                scoring.row(base.withCodec(codec).withRetrieveTopK(allBlocks), "S=" + s + ", every block retrieved");
            }
            scoring.row(base.withCodec("int8").withRetrieveTopK(topK).withKeepRatio(0.5),
                    "S=" + s + ", sinks + window + top-" + topK + ", keep 50% of tokens");
            scoring.row(base.withCodec("int8").withRetrieveTopK(allBlocks).withKeepRatio(0.5),
                    "S=" + s + ", every block retrieved, keep 50% of tokens");
        }
    }

    /** Scores one segment configuration and reports it as a row. */
    private record Scoring(LlamaModel model, int[] ids, RunConfig run, double exact, Listener out) {
        double row(SegmentConfig cfg, String setting) {
            InMemoryKvBlockStore store = new InMemoryKvBlockStore(model.config().layers());
            SegmentScoreResult r = new SegmentedScorer(model, run, cfg.withMemoryTokens(false), store).score(ids, s -> { });
            boolean codecMatters = cfg.retrieveTopK() > 0;
            out.row(new Row(setting, codecMatters ? cfg.codec() : null, r.meanNll(), r.meanNll() - exact,
                    codecMatters ? r.compressionRatio() : null));
            return r.meanNll();
        }
    }
}
