package io.ringmem.kv;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Attention over fetched blocks, merged block by block, against naive attention over their concatenation. */
class RetrievedAttentionTest {
    static final double TOL = 1e-5;

    @ParameterizedTest(name = "{0} causal={1}")
    @CsvSource({"scalar,false", "scalar,true", "vector,false", "vector,true"})
    void equalsAttentionOverConcatenation(String kernelName, boolean causal) {
        int heads = 8, kvHeads = 2, d = 32, nq = 6, w = kvHeads * d;
        Random rnd = new Random(kernelName.hashCode() + (causal ? 1 : 0));
        int[] sizes = {7, 32, 1, 50, 19};
        List<RetrievedBlock> blocks = new ArrayList<>();
        int total = 0;
        for (int s : sizes) total += s;
        float[] allK = new float[total * w], allV = new float[total * w];
        int[] allPos = new int[total];
        int at = 0, pos = 0;
        for (int b = 0; b < sizes.length; b++) {
            int n = sizes[b];
            int[] p = new int[n];
            for (int t = 0; t < n; t++) p[t] = pos++;
            float[] k = KvTestData.gaussian(rnd, n * w), v = KvTestData.gaussian(rnd, n * w);
            // round-trip through a codec, as fetched blocks would be
            DecodedKv kv = KvCodecs.decode(KvCodecs.byName(b % 2 == 0 ? "int8" : "none").encode(k, v, n, kvHeads, d));
            blocks.add(RetrievedBlock.of(b, p, kv));
            System.arraycopy(kv.k(), 0, allK, at * w, n * w);
            System.arraycopy(kv.v(), 0, allV, at * w, n * w);
            System.arraycopy(p, 0, allPos, at, n);
            at += n;
        }
        float[] q = KvTestData.gaussian(rnd, nq * heads * d);
        // query positions: one before every key (sees nothing when causal), the rest spread over the blocks
        int[] qPos = {-1, 3, 8, 40, 90, 200};
        float[] expOut = new float[nq * heads * d], expLse = new float[nq * heads];
        NaiveKvAttention.attend(q, qPos, nq, allK, allV, allPos, total, heads, kvHeads, d, causal, expOut, expLse);

        float[] out = new float[nq * heads * d], lse = new float[nq * heads];
        try (Kernels kernels = KernelsFactory.byName(kernelName, 2)) {
            RetrievedAttention.attend(kernels, AttentionShape.of(heads, kvHeads, d), q, qPos, nq, blocks, causal, out, lse);
        }
        for (int i = 0; i < out.length; i++) assertEquals(expOut[i], out[i], TOL, "out " + i);
        for (int i = 0; i < lse.length; i++) {
            if (expLse[i] == Float.NEGATIVE_INFINITY) assertEquals(Float.NEGATIVE_INFINITY, lse[i], "lse " + i);
            else assertEquals(expLse[i], lse[i], TOL * Math.max(1, Math.abs(expLse[i])), "lse " + i);
        }
        if (causal) assertEquals(Float.NEGATIVE_INFINITY, lse[0]);

        // no blocks: every row sees nothing
        RetrievedAttention.attend(KernelsFactory.byName("scalar", 1), AttentionShape.of(heads, kvHeads, d), q, qPos, nq,
                List.of(), causal, out, lse);
        for (float x : out) assertEquals(0f, x);
        for (float x : lse) assertEquals(Float.NEGATIVE_INFINITY, x);
    }
}
