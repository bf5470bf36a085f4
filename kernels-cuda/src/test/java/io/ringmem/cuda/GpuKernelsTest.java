package io.ringmem.cuda;

import static io.ringmem.cuda.GpuTests.assertClose;
import static io.ringmem.cuda.GpuTests.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every math kernel of {@code src/main/cuda} against the scalar reference on seeded shapes, ragged edges included.
 * Tolerances (normalized by max(1, largest reference magnitude)): fp32 kernels 1e-4; the bf16 GEMM 1e-4 against a
 * reference computed on the same bf16-rounded operands (the rounding itself is the model-level tolerance's
 * business). GPU only: see {@link GpuTests}.
 */
@Tag("gpu")
@EnabledIf("io.ringmem.cuda.GpuTests#available")
class GpuKernelsTest {
    private static final double FP32 = 1e-4;
    private static CudaContext ctx;
    private static CudaOps ops;
    private static final ScalarKernels REF = new ScalarKernels();

    @BeforeAll
    static void open() {
        ctx = GpuTests.context();
        ops = new CudaOps(ctx);
    }

    @AfterAll
    static void close() {
        if (ctx != null) ctx.close();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,64,64", "37,96,200", "130,257,129", "256,512,1024", "5,1000,7"})
    void gemmTensorCoresAndFp32(int m, int n, int k) {
        float[] a = gaussian(m * k, m + 7L * n, 1), w = gaussian(n * k, k + 3L * m, 1 / Math.sqrt(k));
        float[] aRounded = a.clone(), wRounded = w.clone();
        for (int i = 0; i < a.length; i++) aRounded[i] = Bf16.round(a[i]);
        for (int i = 0; i < w.length; i++) wRounded[i] = Bf16.round(w[i]);
        float[] expectBf16 = new float[m * n], expectF32 = new float[m * n];
        REF.matmul(aRounded, m, Matrix.of(wRounded, n, k), expectBf16);
        REF.matmul(a, m, Matrix.of(w, n, k), expectF32);
        for (boolean bf16 : new boolean[]{true, false}) {
            float[] got = new float[m * n];
            ctx.run(() -> {
                try (DeviceWeights dw = DeviceWeights.upload(ctx, Matrix.of(w, n, k), bf16);
                     DeviceBuffer da = DeviceBuffer.of(ctx, a, m * k); DeviceBuffer dc = DeviceBuffer.floats(ctx, (long) m * n)) {
                    ops.gemm(da, m, dw, dc, false);
                    ops.gemm(da, m, dw, dc, true); // accumulate: C = 2·A·Wᵀ
                    dc.download(got, m * n);
                }
            });
            float[] expect = (bf16 ? expectBf16 : expectF32).clone();
            for (int i = 0; i < expect.length; i++) expect[i] *= 2;
            assertClose(expect, got, m * n, FP32, (bf16 ? "bf16" : "fp32") + " GEMM");
        }
        // the all-bf16 kernel: A converted on the device (f32_to_bf16), then C = A·Wᵀ + C via add_f32 of a copy
        float[] got = new float[m * n];
        ctx.run(() -> {
            try (DeviceWeights dw = DeviceWeights.upload(ctx, Matrix.of(w, n, k), true);
                 DeviceBuffer da = DeviceBuffer.of(ctx, a, m * k); DeviceBuffer ab = new DeviceBuffer(ctx, 2L * m * k);
                 DeviceBuffer dc = DeviceBuffer.floats(ctx, (long) m * n); DeviceBuffer dd = DeviceBuffer.floats(ctx, (long) m * n)) {
                ops.toBf16(da, ab, (long) m * k);
                ops.gemmBf16(ab, m, dw, dc, false);
                ops.gemmBf16(ab, m, dw, dd, false);
                ops.add(dc, dd, (long) m * n);
                dc.download(got, m * n);
            }
        });
        float[] expect = expectBf16.clone();
        for (int i = 0; i < expect.length; i++) expect[i] *= 2;
        assertClose(expect, got, m * n, FP32, "all-bf16 GEMM");
    }

    @ParameterizedTest(name = "headDim={0}")
    @ValueSource(ints = {8, 16, 32, 64, 128})
    void flashAttentionMatchesTheReference(int hd) {
        SplittableRandom r = new SplittableRandom(hd);
        for (int heads : new int[]{8, 4}) {
            AttentionShape s = AttentionShape.of(heads, 2, hd);
            for (int[] sizes : new int[][]{{1, 1}, {17, 45}, {100, 33}, {129, 300}}) {
                int nq = sizes[0], nk = sizes[1];
                int[] qPos = new int[nq], kPos = new int[nk];
                for (int i = 0; i < nq; i++) qPos[i] = r.nextInt(0, 400);   // unsorted, like zigzag shards
                for (int j = 0; j < nk; j++) kPos[j] = r.nextInt(0, 400);
                for (boolean causal : new boolean[]{true, false}) attention(s, nq, nk, qPos, kPos, causal, hd * 31L + nq);
            }
        }
    }

    private static void attention(AttentionShape s, int nq, int nk, int[] qPos, int[] kPos, boolean causal, long seed) {
        float[] q = gaussian(nq * s.heads() * s.headDim(), seed, 1), k = gaussian(nk * s.kvHeads() * s.headDim(), seed + 1, 1);
        float[] v = gaussian(nk * s.kvHeads() * s.headDim(), seed + 2, 1);
        float[] out = new float[nq * s.heads() * s.headDim()], lse = new float[nq * s.heads()];
        REF.attention(s, q, qPos, nq, k, v, kPos, nk, causal, out, lse);
        float[] gotOut = new float[out.length], gotLse = new float[lse.length];
        ctx.run(() -> {
            try (DeviceBuffer dq = DeviceBuffer.of(ctx, q, q.length); DeviceBuffer dk = DeviceBuffer.of(ctx, k, k.length);
                 DeviceBuffer dv = DeviceBuffer.of(ctx, v, v.length); DeviceBuffer qp = DeviceBuffer.of(ctx, qPos, nq);
                 DeviceBuffer kp = DeviceBuffer.of(ctx, kPos, nk); DeviceBuffer o = DeviceBuffer.floats(ctx, out.length);
                 DeviceBuffer l = DeviceBuffer.floats(ctx, lse.length)) {
                ops.attention(s, dq, qp, nq, dk, dv, kp, nk, causal, o, l);
                o.download(gotOut, out.length);
                l.download(gotLse, lse.length);
            }
        });
        String what = "attention " + s + " nq=" + nq + " nk=" + nk + " causal=" + causal;
        assertClose(out, gotOut, out.length, FP32, what + " out");
        assertClose(lse, gotLse, lse.length, FP32, what + " lse"); // rows without keys: (0, -inf) on both sides
    }

    @ParameterizedTest(name = "rows={0} d={1}")
    @CsvSource({"1,8", "37,64", "300,128"})
    void mergeIsTheHostMerge(int rows, int d) {
        float[] o1 = gaussian(rows * d, rows, 1), o2 = gaussian(rows * d, rows + 1, 1);
        float[] l1 = gaussian(rows, 3, 5), l2 = gaussian(rows, 4, 5);
        l1[0] = Float.NEGATIVE_INFINITY;
        if (rows > 2) {
            l2[1] = Float.NEGATIVE_INFINITY;
            l1[2] = Float.NEGATIVE_INFINITY;
            l2[2] = Float.NEGATIVE_INFINITY;
        }
        float[] eo = o1.clone(), el = l1.clone();
        AttentionMerge.mergeInto(eo, el, o2, l2, rows, d);
        float[] go = new float[eo.length], gl = new float[el.length];
        ctx.run(() -> {
            try (DeviceBuffer a = DeviceBuffer.of(ctx, o1, o1.length); DeviceBuffer al = DeviceBuffer.of(ctx, l1, rows);
                 DeviceBuffer b = DeviceBuffer.of(ctx, o2, o2.length); DeviceBuffer bl = DeviceBuffer.of(ctx, l2, rows)) {
                ops.merge(a, al, b, bl, rows, d);
                a.download(go, go.length);
                al.download(gl, rows);
            }
        });
        assertClose(eo, go, eo.length, FP32, "merged out");
        assertClose(el, gl, el.length, FP32, "merged lse");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ADJACENT_PAIRS", "ROTATE_HALF"})
    void normRopeSwigluGather(String layoutName) {
        RopeLayout layout = RopeLayout.valueOf(layoutName);
        int n = 45, dim = 200, heads = 5, half = 20;
        float[] x = gaussian(n * dim, 1, 2), w = gaussian(dim, 2, 1);
        float[] expect = new float[x.length];
        REF.rmsnorm(x, w, 1e-5f, n, expect);
        float[] cos = new float[n * half], sin = new float[n * half];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < cos.length; i++) {
            double a = r.nextDouble(-10, 10);
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
        float[] rot = x.clone();
        REF.rope(rot, n, heads, new RotaryAngles(cos, sin, n, half, layout));
        float[] up = gaussian(x.length, 9, 1), gate = x.clone();
        REF.swiglu(gate, up, gate.length);
        int[] rows = {44, 0, 7, 7};
        float[] gathered = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) System.arraycopy(x, rows[i] * dim, gathered, i * dim, dim);
        float[] gNorm = new float[x.length], gRot = new float[x.length], gSw = new float[x.length], gGat = new float[gathered.length];
        ctx.run(() -> {
            try (DeviceBuffer dx = DeviceBuffer.of(ctx, x, x.length); DeviceBuffer dw = DeviceBuffer.of(ctx, w, dim);
                 DeviceBuffer o = DeviceBuffer.floats(ctx, x.length); DeviceBuffer c = DeviceBuffer.of(ctx, cos, cos.length);
                 DeviceBuffer s = DeviceBuffer.of(ctx, sin, sin.length); DeviceBuffer u = DeviceBuffer.of(ctx, up, up.length);
                 DeviceBuffer ri = DeviceBuffer.of(ctx, rows, rows.length); DeviceBuffer g = DeviceBuffer.floats(ctx, gathered.length)) {
                ops.rmsnorm(dx, dw, 1e-5f, n, dim, o);
                o.download(gNorm, x.length);
                ops.gatherRows(dx, ri, rows.length, dim, g);
                g.download(gGat, gathered.length);
                ops.rope(dx, n, heads, half, c, s, layout);
                dx.download(gRot, x.length);
                dx.upload(x, x.length);
                ops.swiglu(dx, u, x.length);
                dx.download(gSw, x.length);
            }
        });
        assertClose(expect, gNorm, x.length, FP32, "rmsnorm");
        assertClose(rot, gRot, x.length, FP32, "rope " + layout);
        assertClose(gate, gSw, x.length, FP32, "swiglu");
        assertClose(gathered, gGat, gathered.length, 0, "gather");
    }

    @ParameterizedTest(name = "vocab={0}")
    @ValueSource(ints = {97, 2048, 32_000})
    void logSoftmaxNllAndEmbedding(int vocab) {
        int n = 9, dim = 48;
        float[] logits = gaussian(n * vocab, vocab, 4);
        int[] target = {0, vocab - 1, 5, -1, 3, 3, 7, 1, vocab};
        float[] expectNll = new float[n], expectLp = logits.clone();
        for (int t = 0; t < n; t++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int i = 0; i < vocab; i++) m = Math.max(m, logits[t * vocab + i]);
            for (int i = 0; i < vocab; i++) s += Math.exp(logits[t * vocab + i] - m);
            double lse = m + Math.log(s);
            int y = target[t];
            expectNll[t] = y < 0 ? 0f : y >= vocab ? Float.NaN : (float) (lse - logits[t * vocab + y]);
            for (int i = 0; i < vocab; i++) expectLp[t * vocab + i] = (float) (logits[t * vocab + i] - lse);
        }
        float[] table = gaussian(vocab * dim, 1, 1), emb = new float[n * dim];
        int[] ids = {0, vocab - 1, 5, 2, 3, 3, 7, 1, 4};
        for (int t = 0; t < n; t++) System.arraycopy(table, ids[t] * dim, emb, t * dim, dim);
        float[] gotNll = new float[n], gotLp = new float[logits.length], gotEmb = new float[emb.length];
        short[] bf16Table = Bf16.pack(Matrix.of(table, vocab, dim));
        float[] emb16 = new float[emb.length], gotEmb16 = new float[emb.length];
        for (int i = 0; i < emb.length; i++) emb16[i] = Bf16.round(emb[i]);
        ctx.run(() -> {
            try (DeviceBuffer dl = DeviceBuffer.of(ctx, logits, logits.length); DeviceBuffer dt = DeviceBuffer.of(ctx, target, n);
                 DeviceBuffer nll = DeviceBuffer.floats(ctx, n); DeviceBuffer tb = DeviceBuffer.of(ctx, table, table.length);
                 DeviceBuffer di = DeviceBuffer.of(ctx, ids, n); DeviceBuffer e = DeviceBuffer.floats(ctx, emb.length)) {
                ops.logSoftmaxNll(dl, dt, n, vocab, nll, true);
                nll.download(gotNll, n);
                dl.download(gotLp, logits.length);
                ops.embed(tb, di, n, dim, vocab, e);
                e.download(gotEmb, emb.length);
                try (DeviceBuffer tb16 = DeviceBuffer.of(ctx, bf16Table)) {
                    ops.embedBf16(tb16, di, n, dim, vocab, e);
                    e.download(gotEmb16, emb.length);
                }
            }
        });
        assertClose(emb16, gotEmb16, emb.length, 0, "bf16 embedding");
        assertEquals(Float.NaN, gotNll[n - 1], "a target outside the vocabulary gives NaN");
        expectNll[n - 1] = gotNll[n - 1] = 0;
        assertClose(expectNll, gotNll, n, FP32, "nll");
        assertClose(expectLp, gotLp, logits.length, FP32, "log-probs");
        assertClose(emb, gotEmb, emb.length, 0, "embedding");
    }
}
