package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RetrievalScoring#PER_TOKEN}: every query token attends to sinks + window + its own top-k blocks, checked
 * against a naive oracle that computes each token alone over exactly those keys.
 */
class PerTokenRetrievalTest {
    private static final int HEADS = 4, KV_HEADS = 2, D = 4, W = KV_HEADS * D, QW = HEADS * D;
    private static final int BLOCKS = 12, BLOCK = 8, SEG = 128, NQ = 16;
    private static final AttentionShape SHAPE = new AttentionShape(HEADS, KV_HEADS, D, (float) (1 / Math.sqrt(D)));

    /** Seeded data: sinks 0..3, 12 stored blocks of 8 at 16..111, window 112..127, one query chunk 128..143. */
    private record Data(KvBlock sink, KvBlock window, float[][] blockK, float[][] blockV, int[][] blockPos,
                        InMemoryKvBlockStore store, RetrievalIndex index, float[] q, float[] k, float[] v, int[] pos) {
    }

    private static float[] gauss(SplittableRandom r, int n, double sd) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (r.nextGaussian() * sd);
        return out;
    }

    private static int[] range(int from, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = from + i;
        return out;
    }

    private static Data data(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        KvBlock sink = new KvBlock(0, -1, range(0, 4), gauss(r, 4 * W, 1), gauss(r, 4 * W, 1));
        KvBlock window = new KvBlock(0, -1, range(112, 16), gauss(r, 16 * W, 1), gauss(r, 16 * W, 1));
        InMemoryKvBlockStore store = new InMemoryKvBlockStore(1);
        RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D);
        float[][] bk = new float[BLOCKS][], bv = new float[BLOCKS][];
        int[][] bp = new int[BLOCKS][];
        for (int b = 0; b < BLOCKS; b++) {
            bk[b] = gauss(r, BLOCK * W, 1.5);
            bv[b] = gauss(r, BLOCK * W, 1);
            bp[b] = range(16 + BLOCK * b, BLOCK);
            store.put(0, b + 1, bp[b], KvCodecs.byName("none").encode(bk[b], bv[b], BLOCK, KV_HEADS, D));
            index.add(BlockSummary.of(b + 1, bk[b], BLOCK, KV_HEADS, D, 2));
        }
        return new Data(sink, window, bk, bv, bp, store, index, gauss(r, NQ * QW, 1.5), gauss(r, NQ * W, 1),
                gauss(r, NQ * W, 1), range(SEG, NQ));
    }

    private static CarriedContext context(Data d, RetrievalScoring scoring, int topK, int cap) {
        return new CarriedContext(new KvBlock[]{d.sink()}, new KvBlock[]{d.window()}, new RetrievalIndex[]{d.index()}, d.store(),
                topK, SEG, NQ, null, null, HEADS, KV_HEADS, scoring, cap);
    }

    /** (NQ, heads, D) the implementation: carried parts with their masks, merged with the chunk's own causal attention. */
    private static float[] implementation(Kernels kernels, Data d, CarriedContext c) {
        int rows = NQ * HEADS;
        float[] out = new float[rows * D], lse = new float[rows], part = new float[rows * D], partLse = new float[rows];
        kernels.attention(SHAPE, d.q(), d.pos(), NQ, d.k(), d.v(), d.pos(), NQ, true, out, lse);
        for (ExtraContext.Part p : c.partsFor(0, 0, d.q(), d.pos(), NQ)) {
            KvBlock b = p.block();
            int[] mask = p.maskPositions() == null ? d.pos() : p.maskPositions();
            kernels.attention(SHAPE, d.q(), mask, NQ, b.k(), b.v(), b.positions(), b.tokens(), true, part, partLse);
            AttentionMerge.mergeInto(out, lse, part, partLse, rows, D);
        }
        return out;
    }

    /** (NQ, heads, D) one token at a time: softmax in double over sinks, window, its own top-k blocks and the causal chunk. */
    private static float[] oracle(Data d, int topK) {
        float[] out = new float[NQ * QW];
        for (int t = 0; t < NQ; t++) {
            float[] qt = Arrays.copyOfRange(d.q(), t * QW, (t + 1) * QW);
            List<float[]> ks = new ArrayList<>(), vs = new ArrayList<>();
            collect(ks, vs, d.sink().k(), d.sink().v(), d.sink().tokens());
            collect(ks, vs, d.window().k(), d.window().v(), d.window().tokens());
            for (RetrievalIndex.Hit h : d.index().topK(qt, topK)) {
                int b = (int) h.blockId() - 1;
                collect(ks, vs, d.blockK()[b], d.blockV()[b], BLOCK);
            }
            collect(ks, vs, d.k(), d.v(), t + 1);
            for (int h = 0; h < HEADS; h++) {
                int g = h / (HEADS / KV_HEADS);
                double[] logit = new double[ks.size()];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < logit.length; j++) {
                    double s = 0;
                    for (int e = 0; e < D; e++) s += (double) qt[h * D + e] * ks.get(j)[g * D + e];
                    logit[j] = s / Math.sqrt(D);
                    max = Math.max(max, logit[j]);
                }
                double[] acc = new double[D];
                for (int j = 0; j < logit.length; j++) {
                    double p = Math.exp(logit[j] - max);
                    sum += p;
                    for (int e = 0; e < D; e++) acc[e] += p * vs.get(j)[g * D + e];
                }
                for (int e = 0; e < D; e++) out[t * QW + h * D + e] = (float) (acc[e] / sum);
            }
        }
        return out;
    }

    private static void collect(List<float[]> ks, List<float[]> vs, float[] k, float[] v, int n) {
        for (int j = 0; j < n; j++) {
            ks.add(Arrays.copyOfRange(k, j * W, (j + 1) * W));
            vs.add(Arrays.copyOfRange(v, j * W, (j + 1) * W));
        }
    }

    @Test
    void eachTokenAttendsToExactlyItsOwnBlocksAsTheOneTokenOracleDoes() {
        try (Kernels kernels = KernelsFactory.byName("scalar", 1)) {
            for (long seed = 1; seed <= 3; seed++) {
                Data d = data(seed);
                for (int topK : new int[]{1, 3}) {
                    float[] got = implementation(kernels, d, context(d, RetrievalScoring.PER_TOKEN, topK, topK * NQ));
                    float[] want = oracle(d, topK);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 2e-5, "seed " + seed + " k=" + topK + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void withEveryBlockChosenEveryTokenSeesTheWholePrefix() {
        // k covers all blocks: per-token equals the chunk-level scorings (every block, no mask) up to merge rounding
        try (Kernels kernels = KernelsFactory.byName("scalar", 1)) {
            Data d = data(7);
            float[] perToken = implementation(kernels, d, context(d, RetrievalScoring.PER_TOKEN, BLOCKS, BLOCKS * NQ));
            float[] mean = implementation(kernels, d, context(d, RetrievalScoring.MEAN, BLOCKS, 0));
            assertArrayEquals(oracle(d, BLOCKS), perToken, 2e-5f);
            assertArrayEquals(mean, perToken, 1e-5f);
        }
    }

    @Test
    void tokensOfOneChunkChooseDifferentBlocksWhereTheSharedTopKCannot() {
        Data d = data(11);
        List<List<Long>> own = PerTokenChoice.choose(d.index(), d.q(), QW, 0, NQ, 1, NQ);
        Set<Long> distinct = new HashSet<>();
        for (List<Long> ids : own) distinct.addAll(ids);
        assertTrue(distinct.size() > 1, "seeded random queries must disagree on their best block: " + own);
        // the parts: one per chosen block, each masked to exactly the tokens that chose it
        List<ExtraContext.Part> parts = context(d, RetrievalScoring.PER_TOKEN, 1, NQ).partsFor(0, 0, d.q(), d.pos(), NQ);
        assertEquals(2 + distinct.size(), parts.size());
        for (ExtraContext.Part p : parts.subList(2, parts.size())) {
            long id = (p.block().positions()[0] - 16) / BLOCK + 1;
            for (int t = 0; t < NQ; t++) {
                boolean sees = p.maskPositions() == null || p.maskPositions()[t] != ExtraContext.HIDDEN;
                assertEquals(own.get(t).contains(id), sees, "token " + t + " block " + id);
            }
        }
        // TOKEN shares one top-1 among the chunk: a single unmasked block
        assertEquals(3, context(d, RetrievalScoring.TOKEN, 1, 0).partsFor(0, 0, d.q(), d.pos(), NQ).size());
    }

    @Test
    void theChunkCapBoundsTheUnionAndKeepsEveryTokensBestBlock() {
        Data d = data(13);
        int k = 4;
        List<List<Long>> free = PerTokenChoice.choose(d.index(), d.q(), QW, 0, NQ, k, k * NQ);
        for (int cap : new int[]{NQ, k, 1}) {
            List<List<Long>> capped = PerTokenChoice.choose(d.index(), d.q(), QW, 0, NQ, k, cap);
            Set<Long> union = new HashSet<>();
            for (int t = 0; t < NQ; t++) {
                union.addAll(capped.get(t));
                assertTrue(free.get(t).containsAll(capped.get(t)), "a token keeps only blocks it chose itself");
                float[] qt = Arrays.copyOfRange(d.q(), t * QW, (t + 1) * QW);
                if (cap >= NQ) assertTrue(capped.get(t).contains(d.index().topK(qt, 1).getFirst().blockId()), "best block kept");
            }
            assertTrue(union.size() <= cap, "union " + union.size() + " over cap " + cap);
        }
        for (int t = 0; t < NQ; t++) {
            float[] qt = Arrays.copyOfRange(d.q(), t * QW, (t + 1) * QW);
            List<Long> want = new ArrayList<>();
            for (RetrievalIndex.Hit h : d.index().topK(qt, k)) want.add(h.blockId());
            want.sort(null);
            assertEquals(want, free.get(t), "uncapped: exactly the token's own top-k");
        }
    }

    @Test
    void theNameParsesAndTheDefaultCapCoversEveryTokensTopK() {
        assertEquals(RetrievalScoring.PER_TOKEN, RetrievalScoring.parse("per-token"));
        assertEquals("per-token", RetrievalScoring.PER_TOKEN.wireName());
        SegmentConfig c = SegmentConfig.builder().retrieveTopK(4).blockTokens(64).retrievalScoring("per-token").build();
        assertEquals(4 * 64, c.candidatesFor());
        assertEquals(8 * 4, SegmentConfig.builder().retrieveTopK(4).build().candidatesFor());
    }
}
