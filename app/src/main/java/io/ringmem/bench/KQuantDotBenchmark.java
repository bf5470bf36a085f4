package io.ringmem.bench;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.Q4KFormat;
import io.ringmem.quant.Q5KFormat;
import io.ringmem.quant.Q6KFormat;
import io.ringmem.quant.Q8KFormat;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The K-quant fused dequantize-dot kernels ({@link BlockFormat#dot}) against an fp32 Vector API dot on the same
 * rows: one thread computes {@code out[r] = w[r] · x} for every row of a (rows, in) weight matrix, once with fp32
 * weights and once with the weights stored in each K-quant format. Two shapes: a matrix far larger than the caches
 * (the weight stream of a decode step) and one that fits in L2 (the kernels' arithmetic alone).
 *
 * <p>Each repeat measures every format in turn (fp32 first, then the K-quants), each a median of samples
 * ({@link BenchTimer}); the ratio is fp32 ms / format ms within the same repeat, and the row reports the median and
 * min–max over repeats. Not guaranteed: stable figures on a shared machine (hence the repeats and ranges).
 */
public final class KQuantDotBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Settings.
     *
     * @param repeats       alternating rounds over all formats
     * @param warmupSeconds warm-up per measurement
     * @param samples       samples per measurement (median taken)
     * @param budgetSeconds sampling time per measurement
     * @param quick         only the cache-resident shape
     */
    public record Options(int repeats, double warmupSeconds, int samples, double budgetSeconds, boolean quick) {
        public static Options defaults() {
            return new Options(5, 0.5, 15, 1.5, false);
        }
    }

    /**
     * One format on one shape.
     *
     * @param format        "F32" or the K-quant's name
     * @param shape         "rows x in"
     * @param bytesPerValue weight bytes streamed per value
     * @param ms            median over repeats of the per-repeat median milliseconds per matrix-vector product
     * @param msMin         fastest repeat
     * @param msMax         slowest repeat
     * @param nsPerValue    ms / (rows · in), in nanoseconds
     * @param weightGbs     weight bytes / ms (GB/s)
     * @param vsF32         median over repeats of F32 ms / this ms (1 for F32)
     * @param vsF32Min      lowest per-repeat ratio
     * @param vsF32Max      highest per-repeat ratio
     */
    public record Row(String format, String shape, double bytesPerValue, double ms, double msMin, double msMax,
                      double nsPerValue, double weightGbs, double vsF32, double vsF32Min, double vsF32Max) {
    }

    private KQuantDotBenchmark() {
    }

    /** Runs both shapes (one with {@code quick}); hands each row to {@code onRow} and returns them all. */
    public static List<Row> run(Options o, Consumer<Row> onRow) {
        BenchTimer timer = new BenchTimer(3, o.warmupSeconds(), o.samples(), o.budgetSeconds());
        List<Row> rows = new ArrayList<>();
        int[][] shapes = o.quick() ? new int[][] {{64, 4096}} : new int[][] {{4096, 4096}, {64, 4096}};
        for (int[] shape : shapes) rows.addAll(shape(timer, o.repeats(), shape[0], shape[1], onRow));
        return rows;
    }

    private static List<Row> shape(BenchTimer timer, int repeats, int rows, int in, Consumer<Row> onRow) {
        BlockFormat[] formats = {null, new Q4KFormat(), new Q5KFormat(), new Q6KFormat(), new Q8KFormat()}; // null: F32
        SplittableRandom r = new SplittableRandom(7);
        float[] w = new float[rows * in], x = new float[in], out = new float[rows];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.05);
        for (int i = 0; i < in; i++) x[i] = (float) r.nextGaussian();
        double[][] ms = new double[formats.length][repeats];
        long[] bytes = new long[formats.length];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] data = new MemorySegment[formats.length];
            for (int f = 0; f < formats.length; f++) {
                if (formats[f] == null) {
                    data[f] = arena.allocate((long) w.length * Float.BYTES, 64);
                    MemorySegment.copy(w, 0, data[f], FLOAT_LE, 0, w.length);
                } else {
                    data[f] = arena.allocate((long) w.length / formats[f].blockElements() * formats[f].blockBytes(), 64);
                    formats[f].quantize(w, 0, data[f], 0, w.length / formats[f].blockElements());
                }
                bytes[f] = data[f].byteSize();
            }
            for (int rep = 0; rep < repeats; rep++) {
                for (int f = 0; f < formats.length; f++) {
                    BlockFormat fmt = formats[f];
                    MemorySegment seg = data[f];
                    Runnable op = fmt == null ? () -> matvecF32(seg, rows, in, x, out) : () -> matvec(fmt, seg, rows, in, x, out);
                    ms[f][rep] = timer.medianMillis(op);
                }
            }
        }
        List<Row> result = new ArrayList<>();
        for (int f = 0; f < formats.length; f++) {
            double[] ratio = new double[repeats];
            for (int rep = 0; rep < repeats; rep++) ratio[rep] = ms[0][rep] / ms[f][rep];
            double med = median(ms[f]);
            Row row = new Row(formats[f] == null ? "F32" : formats[f].name(), rows + " x " + in,
                    (double) bytes[f] / ((long) rows * in), med, min(ms[f]), max(ms[f]), med * 1e6 / ((long) rows * in),
                    bytes[f] / (med * 1e6), median(ratio), min(ratio), max(ratio));
            result.add(row);
            onRow.accept(row);
        }
        return result;
    }

    private static void matvec(BlockFormat f, MemorySegment w, int rows, int in, float[] x, float[] out) {
        int blocks = in / f.blockElements();
        long rowBytes = (long) blocks * f.blockBytes();
        for (int r = 0; r < rows; r++) out[r] = f.dot(w, r * rowBytes, x, 0, blocks);
    }

    /** The fp32 baseline: two-accumulator Vector API dot per row, loads straight from the segment. */
    private static void matvecF32(MemorySegment w, int rows, int in, float[] x, float[] out) {
        int l = S.length();
        for (int r = 0; r < rows; r++) {
            long base = (long) r * in * Float.BYTES;
            FloatVector a = FloatVector.zero(S), b = a;
            int i = 0;
            for (; i + 2 * l <= in; i += 2 * l) {
                long o = base + (long) i * Float.BYTES;
                a = FloatVector.fromArray(S, x, i).fma(FloatVector.fromMemorySegment(S, w, o, ByteOrder.LITTLE_ENDIAN), a);
                b = FloatVector.fromArray(S, x, i + l).fma(
                        FloatVector.fromMemorySegment(S, w, o + (long) l * Float.BYTES, ByteOrder.LITTLE_ENDIAN), b);
            }
            float s = a.add(b).reduceLanes(VectorOperators.ADD);
            for (; i < in; i++) s += x[i] * w.get(FLOAT_LE, base + (long) i * Float.BYTES);
            out[r] = s;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
