package io.ringmem.bench;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.kernel.VectorKernels;
import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Times {@link ScalarKernels} against {@link VectorKernels} on the same shapes in the same run: median milliseconds
 * per call, GFLOP/s for matmul and attention, the vector/scalar speedup, and the fraction reached of the CPU's
 * theoretical fp32 peak ({@link Machine#peakGflops}).
 *
 * <p>Run: {@code bin/ringmem bench kernels [--threads N] [--quick]}; compare with
 * {@code scripts/bench_numpy_matmul.py} (same matmul shapes, OpenBLAS; {@code scripts/bench_kernels.sh} runs both).
 * Not guaranteed: stable figures on a shared or virtualized machine (run it several times), or that the "cpu MHz"
 * clock is the clock the cores actually run at (turbo can exceed it, so a fraction of peak above 100% is
 * possible). Scalar figures for the largest shapes are extrapolated from a subset of rows or from fewer samples,
 * as marked.
 */
public final class KernelBenchmark {
    /**
     * Benchmark settings; {@link #defaults()} matches a plain run.
     *
     * @param threads       threads of the vector kernels
     * @param warmup        warm-up calls per measurement (at least)
     * @param warmupSeconds warm-up time per measurement (at least, capped at 3×)
     * @param samples       timed samples per measurement (at most); the median is reported
     * @param budgetSeconds time after which sampling stops early
     * @param quick         skip the largest shapes
     */
    public record Options(int threads, int warmup, double warmupSeconds, int samples, double budgetSeconds,
                          boolean quick, LongAttention longAttention) {
        public Options {
            if (longAttention == null) longAttention = LongAttention.NONE;
        }

        public Options(int threads, int warmup, double warmupSeconds, int samples, double budgetSeconds, boolean quick) {
            this(threads, warmup, warmupSeconds, samples, budgetSeconds, quick, LongAttention.NONE);
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 3, 1.0, 15, 4.0, false);
        }
    }

    /**
     * Causal attention at long context (e.g. 8K-32K tokens): one row per (length, head dim), vector kernels timed
     * whole, the scalar reference timed on the last {@link #SCALAR_QUERIES} queries only and scaled by the pair
     * count (marked in the shape).
     *
     * @param lengths  sequence lengths; empty for none
     * @param headDims head dims to run at each length
     * @param only     skip the standard rows (matmul, short attention, elementwise)
     */
    public record LongAttention(List<Integer> lengths, List<Integer> headDims, int heads, int kvHeads, boolean only) {
        public static final LongAttention NONE = new LongAttention(List.of(), List.of(64), 8, 2, false);
        static final int SCALAR_QUERIES = 16;

        public LongAttention {
            lengths = List.copyOf(lengths);
            headDims = List.copyOf(headDims);
            AttentionShape.of(heads, kvHeads, 1); // validates the head counts
        }
    }

    /** Matmul shapes: n tokens × (rows, in) weights, as in scripts/bench_numpy_matmul.py. */
    static final int[][] MATMUL_SHAPES = {{64, 256, 256}, {64, 688, 256}, {64, 256, 688}, {64, 1024, 256},
            {256, 4096, 4096}, {1, 4096, 4096}};

    private KernelBenchmark() {
    }

    /**
     * Times every kernel, scalar then vector, on the same inputs; hands each row to {@code onRow} as soon as it is
     * measured and returns them all.
     */
    public static List<KernelRow> run(Options o, Machine machine, Consumer<KernelRow> onRow) {
        BenchTimer timer = new BenchTimer(o.warmup(), o.warmupSeconds(), o.samples(), o.budgetSeconds());
        Kernels scalar = new ScalarKernels();
        List<KernelRow> rows = new ArrayList<>();
        Table t = new Table(machine.peakGflops(machine.cores()), row -> {
            rows.add(row);
            onRow.accept(row);
        });
        try (VectorKernels vector = new VectorKernels(o.threads())) {
            warmUp(vector, 2 * o.warmupSeconds());
            if (!o.longAttention().only()) {
                matmuls(t, timer, scalar, vector, o.quick());
                attentions(t, timer, scalar, vector, o.quick());
                elementwise(t, timer, scalar, vector);
            }
            longAttentions(t, timer, scalar, vector, o.longAttention());
        }
        return rows;
    }

    private static void matmuls(Table t, BenchTimer timer, Kernels scalar, Kernels vector, boolean quick) {
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : MATMUL_SHAPES) {
                int n = s[0], rows = s[1], in = s[2];
                if (quick && (long) rows * in > 1 << 20) continue;
                float[] x = random(rnd, n * in);
                Matrix w = new Matrix(fill(arena.allocate((long) rows * in * Float.BYTES, 64), rnd), rows, in);
                float[] out = new float[n * rows];
                double flops = 2.0 * n * rows * in;
                // scalar on the largest shapes: time a subset of rows and scale up
                int sub = (long) n * rows * in > 1L << 26 ? Math.max(1, (int) ((1L << 26) / ((long) n * in))) : rows;
                Matrix ws = sub == rows ? w : new Matrix(w.data().asSlice(0, (long) sub * in * Float.BYTES), sub, in);
                float[] outS = new float[n * sub];
                double sMs = timer.medianMillis(() -> scalar.matmul(x, n, ws, outS)) * rows / sub;
                double vMs = timer.medianMillis(() -> vector.matmul(x, n, w, out));
                t.row("matmul", "n=" + n + " " + rows + "x" + in + (sub < rows ? " (scalar: " + sub + " rows, scaled)" : ""),
                        sMs, vMs, flops);
            }
        }
    }

    private static void attentions(Table t, BenchTimer timer, Kernels scalar, Kernels vector, boolean quick) {
        Random rnd = new Random(2);
        AttentionShape sh = AttentionShape.of(8, 2, 64);
        int[][] cases = quick ? new int[][] {{256, 1}} : new int[][] {{256, 1}, {1024, 1}, {2048, 1}, {1024, 0}};
        for (int[] c : cases) {
            int len = c[0];
            boolean causal = c[1] == 1;
            int[] pos = IntStream.range(0, len).toArray();
            float[] q = random(rnd, len * sh.heads() * sh.headDim());
            float[] k = random(rnd, len * sh.kvHeads() * sh.headDim()), v = random(rnd, k.length);
            float[] out = new float[q.length], lse = new float[len * sh.heads()];
            double pairs = causal ? len * (len + 1) / 2.0 : (double) len * len;
            double flops = 4.0 * sh.headDim() * sh.heads() * pairs; // q·k and p·v, 2 flops per multiply-add
            double sMs = timer.medianMillis(() -> scalar.attention(sh, q, pos, len, k, v, pos, len, causal, out, lse));
            double vMs = timer.medianMillis(() -> vector.attention(sh, q, pos, len, k, v, pos, len, causal, out, lse));
            t.row("attention", "len=" + len + " h=8 kv=2 hd=64 " + (causal ? "causal" : "full"), sMs, vMs, flops);
        }
    }

    private static void longAttentions(Table t, BenchTimer timer, Kernels scalar, Kernels vector, LongAttention la) {
        Random rnd = new Random(4);
        for (int len : la.lengths()) {
            for (int hd : la.headDims()) {
                AttentionShape sh = AttentionShape.of(la.heads(), la.kvHeads(), hd);
                int[] pos = IntStream.range(0, len).toArray();
                float[] q = random(rnd, len * sh.heads() * hd);
                float[] k = random(rnd, len * sh.kvHeads() * hd), v = random(rnd, k.length);
                float[] out = new float[q.length], lse = new float[len * sh.heads()];
                double pairs = len * (len + 1) / 2.0;
                double flops = 4.0 * hd * sh.heads() * pairs;
                // scalar: the last queries only (they see every key), scaled by the pair count
                int sub = Math.min(len, LongAttention.SCALAR_QUERIES), q0 = len - sub;
                float[] qs = Arrays.copyOfRange(q, q0 * sh.heads() * hd, q.length);
                int[] qPos = Arrays.copyOfRange(pos, q0, len);
                double subPairs = (double) sub * q0 + sub * (sub + 1) / 2.0;
                double sMs = timer.medianMillis(() -> scalar.attention(sh, qs, qPos, sub, k, v, pos, len, true, out, lse))
                        * pairs / subPairs;
                double vMs = timer.medianMillis(() -> vector.attention(sh, q, pos, len, k, v, pos, len, true, out, lse));
                t.row("attention", "len=" + len + " h=" + sh.heads() + " kv=" + sh.kvHeads() + " hd=" + hd
                        + " causal (scalar: " + sub + " queries, scaled)", sMs, vMs, flops);
            }
        }
    }

    private static void elementwise(Table t, BenchTimer timer, Kernels scalar, Kernels vector) {
        Random rnd = new Random(3);
        int n = 64, dim = 4096, heads = 32, hd = 128, hidden = 11008;
        float[] x = random(rnd, n * dim), w = random(rnd, dim), y = new float[n * dim];
        t.row("rmsnorm", "n=64 dim=4096", timer.medianMillis(() -> scalar.rmsnorm(x, w, 1e-5f, n, y)),
                timer.medianMillis(() -> vector.rmsnorm(x, w, 1e-5f, n, y)), 0);
        for (RopeLayout layout : RopeLayout.values()) {
            RotaryAngles a = new RotaryAngles(random(rnd, n * hd / 2), random(rnd, n * hd / 2), n, hd / 2, layout);
            float[] qs = random(rnd, n * heads * hd);
            t.row("rope", "n=64 heads=32 hd=128 " + layout, timer.medianMillis(() -> scalar.rope(qs, n, heads, a)),
                    timer.medianMillis(() -> vector.rope(qs, n, heads, a)), 0);
        }
        float[] up = random(rnd, n * hidden), gate = random(rnd, n * hidden), g = new float[gate.length];
        t.row("swiglu", "len=64x11008", timer.medianMillis(() -> {
            System.arraycopy(gate, 0, g, 0, g.length);
            scalar.swiglu(g, up, g.length);
        }), timer.medianMillis(() -> {
            System.arraycopy(gate, 0, g, 0, g.length);
            vector.swiglu(g, up, g.length);
        }), 0);
        float[] logits = random(rnd, 32000), l = new float[logits.length];
        t.row("softmax", "len=32000", timer.medianMillis(() -> {
            System.arraycopy(logits, 0, l, 0, l.length);
            scalar.softmax(l, 0, l.length);
        }), timer.medianMillis(() -> {
            System.arraycopy(logits, 0, l, 0, l.length);
            vector.softmax(l, 0, l.length);
        }), 0);
    }

    /**
     * Runs every vector kernel on small shapes for a while first, so the JIT has compiled the Vector API code
     * before the first measurement (interpreted or C1-compiled vector code is orders of magnitude slower).
     */
    private static void warmUp(Kernels k, double seconds) {
        Random rnd = new Random(0);
        Matrix w = Matrix.of(random(rnd, 96 * 200), 96, 200);
        float[] x = random(rnd, 40 * 200), x2 = random(rnd, 3 * 200), y = new float[40 * 96];
        AttentionShape sh = AttentionShape.of(4, 2, 64);
        int[] pos = IntStream.range(0, 100).toArray();
        float[] q = random(rnd, 100 * 4 * 64), kv = random(rnd, 100 * 2 * 64), o = new float[q.length], l = new float[400];
        RotaryAngles a = new RotaryAngles(random(rnd, 40 * 32), random(rnd, 40 * 32), 40, 32, RopeLayout.ADJACENT_PAIRS);
        RotaryAngles b = new RotaryAngles(a.cos(), a.sin(), 40, 32, RopeLayout.ROTATE_HALF);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            k.matmul(x, 40, w, y);
            k.matmul(x2, 3, w, y);
            k.attention(sh, q, pos, 100, kv, kv, pos, 100, true, o, l);
            k.rmsnorm(x, Arrays.copyOf(x2, 200), 1e-5f, 40, x);
            k.rope(x, 40, 1, a);
            k.rope(x, 40, 1, b);
            k.swiglu(x, x2, x2.length);
            k.softmax(x, 0, 200);
        }
    }

    /** Turns timings into {@link KernelRow}s against the all-cores peak. */
    private record Table(double peak, Consumer<KernelRow> sink) {
        void row(String kernel, String shape, double scalarMs, double vectorMs, double flops) {
            sink.accept(KernelRow.of(kernel, shape, scalarMs, vectorMs, flops, peak));
        }
    }

    private static float[] random(Random rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    private static MemorySegment fill(MemorySegment seg, Random rnd) {
        for (long i = 0; i < seg.byteSize() / Float.BYTES; i++) seg.setAtIndex(Matrix.FLOAT_LE, i, rnd.nextFloat() * 2 - 1);
        return seg;
    }
}
