package io.ringmem.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Attention of a single query token (every head) over keys and values read where they lie, for decoding: no
 * packed copy of the keys is made (the prefill kernel's packing would copy the whole KV cache on every step), and
 * no array is allocated once a thread's scratch has grown to the shape (scratch lives in a {@link ThreadLocal} per
 * thread and grows only when a larger shape arrives).
 *
 * <p>Split-KV: keys are cut into splits of {@link #SPLIT_KEYS}; a task is one (KV head, split), processing the
 * group's query heads together so each key and value row is read once per group. Splits are merged exactly
 * (log-sum-exp) on the calling thread in split order. The split depends on the shape only, so results are
 * bitwise the same whatever the thread count. Within a task keys are taken in chunks of {@link #CHUNK} with an
 * online softmax, as in {@link VectorAttention}.
 *
 * <p>Not guaranteed: bitwise equality with {@link VectorAttention}'s tiled path (the summation order differs; both
 * match {@link ScalarKernels} within fp32 rounding).
 */
final class DecodeAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Keys per split (per task). */
    static final int SPLIT_KEYS = 512;
    /** Keys per online-softmax step: a multiple of the vector length. */
    private static final int CHUNK = 64;
    /** Multiply-adds (heads · nk · hd) below which a call stays on the caller thread. */
    private static final long PARALLEL_WORK = 1 << 18;

    private final WorkerPool pool;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    DecodeAttention(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * q, out (heads, hd); k, v (nk, kvHeads, hd); lse (heads). Arguments were checked by the caller.
     *
     * @param qPos the query's position (causal: key j is visible when kPos[j] ≤ qPos)
     */
    void attention(AttentionShape sh, float[] q, int qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal,
                   float[] out, float[] lse) {
        int kvh = sh.kvHeads(), heads = sh.heads(), hd = sh.headDim();
        int splits = Math.max(1, (nk + SPLIT_KEYS - 1) / SPLIT_KEYS);
        Call call = new Call(sh, q, causal ? qPos : Integer.MAX_VALUE, k, v, kPos, nk, splits);
        Scratch mine = scratch.get();
        if (splits == 1) {
            call.partOut = out;
            call.partLse = lse;
        } else {
            mine.ensurePartials(splits * heads * hd, splits * heads);
            call.partOut = mine.partOut;
            call.partLse = mine.partLse;
        }
        int tasks = kvh * splits;
        if ((long) heads * nk * hd >= PARALLEL_WORK && pool.parallelism() > 1) {
            pool.forEach(tasks, call);
        } else {
            for (int i = 0; i < tasks; i++) call.accept(i);
        }
        if (splits == 1) return;
        System.arraycopy(mine.partOut, 0, out, 0, heads * hd);
        System.arraycopy(mine.partLse, 0, lse, 0, heads);
        for (int sp = 1; sp < splits; sp++) merge(out, lse, mine.partOut, sp * heads * hd, mine.partLse, sp * heads, heads, hd);
    }

    /** (out, lse) ⊕= the partial at (po, pl): the identity of {@link AttentionMerge}, with offsets. */
    private static void merge(float[] out, float[] lse, float[] po, int poOff, float[] pl, int plOff, int rows, int hd) {
        for (int r = 0; r < rows; r++) {
            float l1 = lse[r], l2 = pl[plOff + r];
            if (l2 == Float.NEGATIVE_INFINITY) continue;
            int o = r * hd, p = poOff + r * hd;
            if (l1 == Float.NEGATIVE_INFINITY) {
                System.arraycopy(po, p, out, o, hd);
                lse[r] = l2;
                continue;
            }
            float max = Math.max(l1, l2);
            double e1 = Math.exp(l1 - max), e2 = Math.exp(l2 - max);
            double sum = e1 + e2;
            float w1 = (float) (e1 / sum), w2 = (float) (e2 / sum);
            for (int c = 0; c < hd; c++) out[o + c] = w1 * out[o + c] + w2 * po[p + c];
            lse[r] = (float) (max + Math.log(sum));
        }
    }

    /** One call's arguments; task i is (KV head i / splits, split i % splits). */
    private final class Call implements IntConsumer {
        final AttentionShape sh;
        final float[] q, k, v;
        final int[] kPos;
        final int limit, nk, splits;
        float[] partOut; // (splits, heads, hd), or out itself when splits == 1
        float[] partLse; // (splits, heads)

        Call(AttentionShape sh, float[] q, int limit, float[] k, float[] v, int[] kPos, int nk, int splits) {
            this.sh = sh;
            this.q = q;
            this.limit = limit;
            this.k = k;
            this.v = v;
            this.kPos = kPos;
            this.nk = nk;
            this.splits = splits;
        }

        @Override
        public void accept(int task) {
            int kh = task / splits, sp = task % splits;
            int hd = sh.headDim(), group = sh.groupSize(), kvh = sh.kvHeads(), heads = sh.heads();
            Scratch s = scratch.get();
            s.ensureTask(group, hd);
            float[] qs = s.qs, sc = s.scores, o = s.o, m = s.m, l = s.l;
            for (int g = 0; g < group; g++) {
                int qo = (kh * group + g) * hd;
                for (int c = 0; c < hd; c++) qs[g * hd + c] = q[qo + c] * sh.scale();
            }
            Arrays.fill(o, 0, group * hd, 0f);
            Arrays.fill(m, 0, group, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, group, 0f);
            int j1 = Math.min(nk, (sp + 1) * SPLIT_KEYS), stride = kvh * hd;
            for (int c0 = sp * SPLIT_KEYS; c0 < j1; c0 += CHUNK) {
                int cn = Math.min(CHUNK, j1 - c0);
                for (int j = 0; j < cn; j++) {
                    int ko = (c0 + j) * stride + kh * hd;
                    boolean visible = kPos[c0 + j] <= limit;
                    for (int g = 0; g < group; g++) {
                        sc[g * CHUNK + j] = visible ? dot(qs, g * hd, k, ko, hd) : Float.NEGATIVE_INFINITY;
                    }
                }
                if (cn < CHUNK) for (int g = 0; g < group; g++) Arrays.fill(sc, g * CHUNK + cn, (g + 1) * CHUNK, Float.NEGATIVE_INFINITY);
                for (int g = 0; g < group; g++) update(sc, g * CHUNK, m, l, o, g, hd);
                for (int j = 0; j < cn; j++) {
                    int vo = (c0 + j) * stride + kh * hd;
                    for (int g = 0; g < group; g++) {
                        float p = sc[g * CHUNK + j];
                        if (p != 0f) axpy(p, v, vo, o, g * hd, hd);
                    }
                }
            }
            int base = splits == 1 ? 0 : sp * heads;
            for (int g = 0; g < group; g++) {
                int row = base + kh * group + g, oo = row * hd;
                if (l[g] == 0f) {
                    Arrays.fill(partOut, oo, oo + hd, 0f);
                    partLse[row] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                float inv = 1f / l[g];
                for (int c = 0; c < hd; c++) partOut[oo + c] = o[g * hd + c] * inv;
                partLse[row] = (float) (m[g] + Math.log(l[g]));
            }
        }
    }

    /** Online-softmax step of row g: scores at sc[so .. so+CHUNK) become p = e^(s - m); m, l and o[g] updated. */
    private static void update(float[] sc, int so, float[] m, float[] l, float[] o, int g, int hd) {
        FloatVector mx = FloatVector.fromArray(S, sc, so);
        for (int j = L; j < CHUNK; j += L) mx = mx.max(FloatVector.fromArray(S, sc, so + j));
        float mNew = Math.max(m[g], mx.reduceLanes(VectorOperators.MAX));
        if (mNew == Float.NEGATIVE_INFINITY) {
            Arrays.fill(sc, so, so + CHUNK, 0f);
            return;
        }
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < CHUNK; j += L) {
            FloatVector p = VectorExp.expNonPositive(FloatVector.fromArray(S, sc, so + j).sub(mNew));
            p.intoArray(sc, so + j);
            sum = sum.add(p);
        }
        float rowSum = LaneSum.sum(sum);
        if (mNew == m[g]) {
            l[g] += rowSum;
            return;
        }
        float alpha = m[g] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[g] - mNew);
        l[g] = l[g] * alpha + rowSum;
        m[g] = mNew;
        for (int c = 0; c < hd; c++) o[g * hd + c] *= alpha;
    }

    /** a[ao ..) · b[bo ..) over n elements: one vector accumulator, lanes summed in a fixed order, scalar tail. */
    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; i + L <= n; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            sum = LaneSum.sum(acc);
        }
        for (; i < n; i++) sum = Math.fma(a[ao + i], b[bo + i], sum);
        return sum;
    }

    /** y[yo .. yo+n) += p · x[xo .. xo+n). */
    private static void axpy(float p, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector pb = FloatVector.broadcast(S, p);
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(pb, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = Math.fma(x[xo + i], p, y[yo + i]);
    }

    /** One thread's buffers, grown (never shrunk) to the largest shape seen. */
    private static final class Scratch {
        float[] qs = new float[0], scores = new float[0], o = new float[0], m = new float[0], l = new float[0];
        float[] partOut = new float[0], partLse = new float[0];

        void ensureTask(int group, int hd) {
            if (qs.length < group * hd) {
                qs = new float[group * hd];
                o = new float[group * hd];
            }
            if (m.length < group) {
                m = new float[group];
                l = new float[group];
                scores = new float[group * CHUNK];
            }
        }

        void ensurePartials(int outLen, int lseLen) {
            if (partOut.length < outLen) partOut = new float[Math.max(outLen, partOut.length + partOut.length / 2)];
            if (partLse.length < lseLen) partLse = new float[Math.max(lseLen, partLse.length + partLse.length / 2)];
        }
    }
}
