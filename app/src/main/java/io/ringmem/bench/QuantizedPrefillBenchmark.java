package io.ringmem.bench;

import io.ringmem.kernel.QuantizedPrefill;
import io.ringmem.kernel.VectorKernels;
import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.BlockFormats;
import io.ringmem.quant.Int8Weights;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The two prefill paths for block-quantized weights on the 200M model's projection shapes: {@code out (n, rows) =
 * x (n, in) · wᵀ} through {@link VectorKernels} with {@link QuantizedPrefill#UNPACK} (weight panels unpacked to fp32)
 * and with {@link QuantizedPrefill#INT8} (int8 activations, integer dots), plus the same matmul on fp32 weights (the
 * fp32 kernel's speed measured in the same run, beside the theoretical peak of {@link Machine#peakGflops}).
 *
 * <p>Each repeat measures F32, then per format unpack and int8 back to back ({@link BenchTimer} medians); the ratio
 * is unpack ms / int8 ms within a repeat (above 1: int8 faster), reported as median and min–max over repeats.
 * GFLOP/s counts 2·n·rows·in operations (integer multiply-adds counted like flops). Not guaranteed: stable figures
 * on a shared machine (hence the pairs and ranges).
 */
public final class QuantizedPrefillBenchmark {
    /**
     * Settings.
     *
     * @param repeats       alternating rounds
     * @param threads       kernel threads, the caller included
     * @param warmupSeconds warm-up per measurement
     * @param samples       samples per measurement (median taken)
     * @param budgetSeconds sampling time per measurement
     * @param quick         512 tokens only, Q8_0 and Q4_K only
     */
    public record Options(int repeats, int threads, double warmupSeconds, int samples, double budgetSeconds, boolean quick) {
        public Options {
            if (repeats < 1 || threads < 1) throw new IllegalArgumentException("repeats and threads must be >= 1");
        }
    }

    /**
     * One format on one shape.
     *
     * @param format    ggml name
     * @param tokens    n
     * @param shape     "in → rows"
     * @param f32Ms     median ms of the fp32-weight matmul
     * @param unpackMs  median ms, unpack path
     * @param int8Ms    median ms, int8 path
     * @param speedup   median over repeats of unpack ms / int8 ms
     * @param speedupMin lowest per-repeat ratio
     * @param speedupMax highest per-repeat ratio
     * @param f32Gflops    2·n·rows·in / f32Ms
     * @param unpackGflops 2·n·rows·in / unpackMs
     * @param int8Gflops   2·n·rows·in / int8Ms
     * @param peakGflops   theoretical fp32 peak of the threads used
     */
    public record Row(String format, int tokens, String shape, double f32Ms, double unpackMs, double int8Ms, double speedup,
                      double speedupMin, double speedupMax, double f32Gflops, double unpackGflops, double int8Gflops,
                      double peakGflops) {
    }

    private QuantizedPrefillBenchmark() {
    }

    /** The formats measured: every one the int8 path handles (Q8_0 and Q4_K with {@code quick}). */
    public static List<BlockFormat> formats(boolean quick) {
        return BlockFormats.all().stream().filter(Int8Weights::supports)
                .filter(f -> !quick || f.name().equals("Q8_0") || f.name().equals("Q4_K")).toList();
    }

    public static List<Row> run(Options o, Machine machine, Consumer<Row> onRow) {
        BenchTimer timer = new BenchTimer(2, o.warmupSeconds(), o.samples(), o.budgetSeconds());
        int[] tokens = o.quick() ? new int[]{512} : new int[]{512, 2048};
        int[][] shapes = {{2816, 1024}, {1024, 1024}, {1024, 2816}}; // (rows, in): gate/up, q/o, down
        List<Row> rows = new ArrayList<>();
        try (VectorKernels unpack = new VectorKernels(o.threads(), QuantizedPrefill.UNPACK);
             VectorKernels int8 = new VectorKernels(o.threads(), QuantizedPrefill.INT8)) {
            for (int n : tokens) {
                for (int[] s : shapes) {
                    if (n > 512 && s[1] > 1024) continue; // down projection at 512 tokens only (time)
                    rows.addAll(shape(timer, o, machine, unpack, int8, n, s[0], s[1], onRow));
                }
            }
        }
        return rows;
    }

    private static List<Row> shape(BenchTimer timer, Options o, Machine machine, VectorKernels unpack, VectorKernels int8,
                                   int n, int rows, int in, Consumer<Row> onRow) {
        List<BlockFormat> formats = formats(o.quick());
        SplittableRandom r = new SplittableRandom(11);
        float[] w = new float[rows * in], x = new float[n * in], out = new float[n * rows];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.05);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        double flops = 2.0 * n * rows * in;
        int fs = formats.size();
        double[] f32 = new double[o.repeats()];
        double[][] up = new double[fs][o.repeats()], i8 = new double[fs][o.repeats()];
        try (Arena arena = Arena.ofShared()) {
            Matrix dense = Matrix.of(w, rows, in);
            Matrix[] q = new Matrix[fs];
            for (int f = 0; f < fs; f++) {
                BlockFormat fmt = formats.get(f);
                int blocks = w.length / fmt.blockElements();
                MemorySegment seg = arena.allocate((long) blocks * fmt.blockBytes(), 64);
                fmt.quantize(w, 0, seg, 0, blocks);
                q[f] = new Matrix(seg, rows, in, fmt);
            }
            for (int rep = 0; rep < o.repeats(); rep++) {
                f32[rep] = timer.medianMillis(() -> unpack.matmul(x, n, dense, out));
                for (int f = 0; f < fs; f++) {
                    Matrix m = q[f];
                    up[f][rep] = timer.medianMillis(() -> unpack.matmul(x, n, m, out));
                    i8[f][rep] = timer.medianMillis(() -> int8.matmul(x, n, m, out));
                }
            }
        }
        List<Row> result = new ArrayList<>();
        double f32Ms = median(f32), peak = machine.peakGflops(o.threads());
        for (int f = 0; f < fs; f++) {
            double[] ratio = new double[o.repeats()];
            for (int rep = 0; rep < o.repeats(); rep++) ratio[rep] = up[f][rep] / i8[f][rep];
            double u = median(up[f]), i = median(i8[f]);
            Row row = new Row(formats.get(f).name(), n, in + " → " + rows, f32Ms, u, i, median(ratio),
                    Arrays.stream(ratio).min().orElseThrow(), Arrays.stream(ratio).max().orElseThrow(),
                    flops / f32Ms / 1e6, flops / u / 1e6, flops / i / 1e6, peak);
            result.add(row);
            onRow.accept(row);
        }
        return result;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
