package io.ringmem.bench;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.DecodeDots;
import io.ringmem.quant.Q4KFormat;
import io.ringmem.quant.Q8_0Format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Decode's quantized matrix-vector path ({@link DecodeDots}: four Q8_0 rows per pass) against the previous decode
 * path, one row at a time through the format's fused {@link BlockFormat#dot}, on the same weights, one thread. Q4_K
 * takes the per-row path in both, so its row is a control that shows the measurement's noise. Two
 * workloads per format: the weight matrices of {@code layers} layers of the 200M benchmark model (hidden 1024, 16/4
 * heads of 64, FFN 2816: q, k, v, o, gate, up, down), far larger than the caches, as in a decode step; and one
 * 256 x 1024 matrix that fits in L2 (the kernels' arithmetic alone).
 *
 * <p>Each round times the previous path, then the new one (median of samples, {@link BenchTimer}); the speed-up is
 * previous ms / new ms within the round, reported as the median and min–max over rounds. Not guaranteed: stable
 * figures on a shared machine (hence the rounds and ranges).
 */
public final class DecodeDotBenchmark {
    private static final int[][] LAYER = {{1024, 1024}, {256, 1024}, {256, 1024}, {1024, 1024}, {2816, 1024},
            {2816, 1024}, {1024, 2816}}; // (rows, in) of q, k, v, o, gate, up, down

    /**
     * Settings.
     *
     * @param rounds alternating rounds (previous path, new path)
     * @param layers layers of the 200M model in the streamed workload (at least 1)
     * @param quick  only the cache-resident workload, shorter sampling
     */
    public record Options(int rounds, int layers, boolean quick) {
        public Options {
            if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1: " + rounds);
            if (layers < 1) throw new IllegalArgumentException("layers must be >= 1: " + layers);
        }
    }

    /**
     * One format on one workload.
     *
     * @param format      the block format's name
     * @param workload    "layers xN" (streamed) or "256 x 1024" (cache-resident)
     * @param values      weights per matrix-vector pass
     * @param previousMs  median over rounds of the previous path's ms per pass
     * @param newMs       median over rounds of the new path's ms per pass
     * @param nsPerValue  new ms / values, in nanoseconds
     * @param speedup     median over rounds of previous ms / new ms
     * @param speedupMin  lowest per-round speed-up
     * @param speedupMax  highest per-round speed-up
     */
    public record Row(String format, String workload, long values, double previousMs, double newMs, double nsPerValue,
                      double speedup, double speedupMin, double speedupMax) {
    }

    private DecodeDotBenchmark() {
    }

    /** Runs every format on both workloads (the cache-resident one only with {@code quick}). */
    public static List<Row> run(Options o, Consumer<Row> onRow) {
        BenchTimer timer = o.quick() ? new BenchTimer(3, 0.2, 9, 0.5) : new BenchTimer(3, 0.5, 11, 1.5);
        List<Row> rows = new ArrayList<>();
        for (BlockFormat f : new BlockFormat[] {new Q8_0Format(), new Q4KFormat()}) {
            rows.add(workload(timer, o.rounds(), f, "256 x 1024", new int[][] {{256, 1024}}, onRow));
            if (!o.quick()) {
                int[][] shapes = new int[LAYER.length * o.layers()][];
                for (int i = 0; i < shapes.length; i++) shapes[i] = LAYER[i % LAYER.length];
                rows.add(workload(timer, o.rounds(), f, "layers x" + o.layers(), shapes, onRow));
            }
        }
        return rows;
    }

    private static Row workload(BenchTimer timer, int rounds, BlockFormat f, String name, int[][] shapes,
                                Consumer<Row> onRow) {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[4096], out = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        double[] prev = new double[rounds], next = new double[rounds], ratio = new double[rounds];
        long values = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] segs = new MemorySegment[shapes.length];
            for (int m = 0; m < shapes.length; m++) {
                int rows = shapes[m][0], in = shapes[m][1];
                float[] w = new float[rows * in];
                for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.05);
                int blocks = w.length / f.blockElements();
                segs[m] = arena.allocate((long) blocks * f.blockBytes(), 64);
                f.quantize(w, 0, segs[m], 0, blocks);
                values += w.length;
            }
            Runnable previous = () -> {
                for (int m = 0; m < shapes.length; m++) {
                    int blocks = shapes[m][1] / f.blockElements();
                    long rowBytes = (long) blocks * f.blockBytes();
                    for (int row = 0; row < shapes[m][0]; row++) out[row] = f.dot(segs[m], row * rowBytes, x, 0, blocks);
                }
            };
            Runnable current = () -> {
                for (int m = 0; m < shapes.length; m++) {
                    int blocks = shapes[m][1] / f.blockElements();
                    DecodeDots.rowRange(f, segs[m], (long) blocks * f.blockBytes(), blocks, x, 1, out, shapes[m][0], 0,
                            shapes[m][0]);
                }
            };
            int warm = values < 1_000_000 ? 20_000 : 40; // by count: on a loaded machine a timed warm-up ends before C2 has compiled
            for (int i = 0; i < warm; i++) {
                previous.run();
                current.run();
            }
            for (int k = 0; k < rounds; k++) {
                prev[k] = timer.medianMillis(previous);
                next[k] = timer.medianMillis(current);
                ratio[k] = prev[k] / next[k];
            }
        }
        double newMs = median(next);
        Row row = new Row(f.name(), name, values, median(prev), newMs, newMs * 1e6 / values, median(ratio),
                Arrays.stream(ratio).min().orElseThrow(), Arrays.stream(ratio).max().orElseThrow());
        onRow.accept(row);
        return row;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
