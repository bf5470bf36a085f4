package io.ringmem.bench;

import io.ringmem.forward.Generator;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Sampler;
import io.ringmem.forward.Scorer;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the positions policy does past the trained context C: mean NLL per C-token window of one document in exact
 * mode, in segment mode with document positions and in segment mode with window positions, for each segment size
 * (default settings otherwise: 4 sinks, window S/4, top-4 int8 retrieval of 64-token blocks). Also the cost of the
 * window policy: seconds per segment with each policy, measured alternately in the same run (each repeat runs both,
 * the first policy alternating; best of {@code repeats}), and their ratio. Run with {@code bin/ringmem bench positions}.
 */
public final class PositionsBenchmark {
    /**
     * One setting.
     *
     * @param windowNll         mean NLL of the predictions at positions [w·C, (w+1)·C), per window w
     * @param secondsPerSegment best wall time of the whole document divided by its segments (exact: of the whole run)
     */
    public record Row(String setting, String positions, int segmentTokens, double meanNll, double[] windowNll,
                      double secondsPerSegment) {
    }

    /**
     * Window over document cost per segment, for one segment size (same run, best of the repeats after one untimed
     * warm-up round): wall seconds, and process CPU seconds (all threads; less disturbed by other processes on a
     * shared machine).
     */
    public record Cost(int segmentTokens, double documentSeconds, double windowSeconds, double ratio,
                       double documentCpuSeconds, double windowCpuSeconds, double cpuRatio) {
    }

    /** Receives results as they are measured. */
    public interface Listener {
        void row(Row row);

        void cost(Cost cost);
    }

    private static final OperatingSystemMXBean CPU = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private PositionsBenchmark() {
    }

    /**
     * A sample of the model's own text from BOS (temperature 0.8, seed 7, up to {@code min(context, tokens)} tokens,
     * ending at the stop token if it comes), repeated whole as long as the document stays within {@code tokens} (at
     * least twice).
     */
    public static int[] repeatedSample(LlamaModel model, RunConfig run, int bos, int eos, int tokens, int context) {
        int[] one = new Generator(model, run.withRanks(1)).generate(new int[]{bos}, Math.max(1, Math.min(context, tokens) - 1),
                new Sampler(0.8, 1.0, 7), id -> id == eos, id -> true);
        int copies = Math.max(2, tokens / one.length);
        int[] out = new int[copies * one.length];
        for (int c = 0; c < copies; c++) System.arraycopy(one, 0, out, c * one.length, one.length);
        return out;
    }

    /**
     * Distinct samples of the model's own text from BOS (temperature 0.8, seeds 7, 8, …, each up to
     * {@code min(context, tokens)} tokens, ending at the stop token if it comes), concatenated as long as the
     * document stays within {@code tokens} (at least two): every piece is text the model wrote inside its trained
     * context, but the document is longer than it.
     */
    public static int[] distinctSamples(LlamaModel model, RunConfig run, int bos, int eos, int tokens, int context) {
        int[] out = new int[0];
        for (int seed = 7; ; seed++) {
            int[] one = new Generator(model, run.withRanks(1)).generate(new int[]{bos}, Math.max(1, Math.min(context, tokens) - 1),
                    new Sampler(0.8, 1.0, seed), id -> id == eos, id -> true);
            if (out.length + one.length > tokens && seed > 8) return out;
            int[] next = Arrays.copyOf(out, out.length + one.length);
            System.arraycopy(one, 0, next, out.length, one.length);
            out = next;
        }
    }

    /** Mean NLL per window of {@code context} predictions. */
    public static double[] perWindow(double[] nll, int context) {
        int windows = (nll.length + context - 1) / context;
        double[] out = new double[windows];
        for (int w = 0; w < windows; w++) {
            int from = w * context, to = Math.min(nll.length, from + context);
            double sum = 0;
            for (int i = from; i < to; i++) sum += nll[i];
            out[w] = sum / (to - from);
        }
        return out;
    }

    /** Exact first, then per segment size document and window positions; the cost per segment size last. */
    public static void run(LlamaModel model, int[] ids, List<Integer> segmentSizes, int context, int repeats, RunConfig run,
                           Listener out) {
        long t0 = System.nanoTime();
        double[] exact = new Scorer(model, run).score(ids).nll();
        out.row(new Row("exact", "document", ids.length, mean(exact), perWindow(exact, context), (System.nanoTime() - t0) / 1e9));
        List<Cost> costs = new ArrayList<>();
        for (int s : segmentSizes) {
            SegmentConfig base = SegmentConfig.builder().segmentTokens(s).memoryTokens(false).contextTokens(context).build();
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE}, bestCpu = {Double.MAX_VALUE, Double.MAX_VALUE};
            SegmentScoreResult[] last = new SegmentScoreResult[2];
            for (int r = 0; r <= repeats; r++) { // round 0 warms up, untimed
                for (int i = 0; i < 2; i++) {
                    int p = (r + i) % 2; // alternate which policy runs first
                    Positions policy = p == 0 ? Positions.DOCUMENT : Positions.WINDOW;
                    long cpu0 = CPU.getProcessCpuTime();
                    SegmentScoreResult res = new SegmentedScorer(model, run, base.withPositions(policy, context),
                            new InMemoryKvBlockStore(model.config().layers())).score(ids, x -> { });
                    double cpu = (CPU.getProcessCpuTime() - cpu0) / 1e9;
                    if (r > 0) {
                        best[p] = Math.min(best[p], res.nanos() / 1e9 / res.segments());
                        bestCpu[p] = Math.min(bestCpu[p], cpu / res.segments());
                    }
                    last[p] = res;
                }
            }
            for (int p = 0; p < 2; p++) {
                SegmentScoreResult res = last[p];
                out.row(new Row("segments S=" + s, res.positions().wireName(), s, res.meanNll(), perWindow(res.nll(), context),
                        best[p]));
            }
            costs.add(new Cost(s, best[0], best[1], best[1] / best[0], bestCpu[0], bestCpu[1], bestCpu[1] / bestCpu[0]));
        }
        costs.forEach(out::cost);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
