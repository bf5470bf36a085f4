package io.ringmem.segment;

import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.DecodedKv;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExactKeyChoice} against naive oracles: with lossless keys its choice is the per-token top-k of a
 * {@link RetrievalIndex} whose summaries hold every key ({@link BlockSummary} with one representative per token), and
 * with int8 keys it is the top-k of a plain max-logit loop over the decoded keys.
 */
class ExactKeyChoiceTest {
    private static final int HEADS = 4, KV_HEADS = 2, D = 8, W = KV_HEADS * D, QW = HEADS * D, BLOCK = 8;

    private static float[] gauss(SplittableRandom r, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) r.nextGaussian();
        return out;
    }

    /** Blocks 1..nb of random keys at positions 8·id (a batch boundary falls inside when nb > BATCH). */
    private static InMemoryKvBlockStore store(SplittableRandom r, int nb, String codec, RetrievalIndex everyKey) {
        InMemoryKvBlockStore store = new InMemoryKvBlockStore(1);
        for (int b = 1; b <= nb; b++) {
            float[] k = gauss(r, BLOCK * W), v = gauss(r, BLOCK * W);
            int[] pos = new int[BLOCK];
            for (int j = 0; j < BLOCK; j++) pos[j] = BLOCK * b + j;
            store.put(0, b, pos, KvCodecs.byName(codec).encode(k, v, BLOCK, KV_HEADS, D));
            if (everyKey != null) everyKey.add(BlockSummary.of(b, k, BLOCK, KV_HEADS, D, BLOCK));
        }
        return store;
    }

    private static List<Long> ids(int nb) {
        List<Long> ids = new ArrayList<>();
        for (long b = 1; b <= nb; b++) ids.add(b);
        return ids;
    }

    private static List<Long> sorted(List<RetrievalIndex.Hit> hits) {
        List<Long> out = new ArrayList<>();
        for (RetrievalIndex.Hit h : hits) out.add(h.blockId());
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Test
    void losslessKeysChooseAsAnIndexHoldingEveryKey() {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            RetrievalIndex everyKey = new RetrievalIndex(HEADS, KV_HEADS, D);
            int nb = seed == 1 ? ExactKeyChoice.BATCH + 37 : 40;
            InMemoryKvBlockStore store = store(r, nb, "none", everyKey);
            int nq = 6;
            float[] q = gauss(r, nq * QW);
            for (int k : new int[]{1, 4, nb + 3}) {
                List<List<Long>> got = ExactKeyChoice.choose(store, 0, ids(nb), q, nq, HEADS, k);
                assertEquals(nq, got.size());
                for (int t = 0; t < nq; t++) {
                    List<Long> want = sorted(everyKey.topK(Arrays.copyOfRange(q, t * QW, (t + 1) * QW), k));
                    assertEquals(want, got.get(t), "seed " + seed + " k " + k + " token " + t);
                    assertEquals(Math.min(k, nb), got.get(t).size());
                }
            }
        }
    }

    @Test
    void int8KeysChooseByTheLargestLogitOverDecodedKeys() {
        SplittableRandom r = new SplittableRandom(9);
        int nb = 50, nq = 3, k = 5;
        InMemoryKvBlockStore store = store(r, nb, "int8", null);
        float[] q = gauss(r, nq * QW);
        List<List<Long>> got = ExactKeyChoice.choose(store, 0, ids(nb), q, nq, HEADS, k);
        for (int t = 0; t < nq; t++) {
            List<RetrievalIndex.Hit> all = new ArrayList<>();
            for (KvBlockStore.StoredKvBlock b : store.getAll(0, ids(nb))) {
                DecodedKv kv = KvCodecs.decode(b.encoded());
                double total = 0;
                for (int g = 0; g < KV_HEADS; g++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int h = g * (HEADS / KV_HEADS); h < (g + 1) * (HEADS / KV_HEADS); h++) {
                        for (int j = 0; j < kv.n(); j++) {
                            double dot = 0;
                            for (int c = 0; c < D; c++) dot += (double) q[t * QW + h * D + c] * kv.k()[j * W + g * D + c];
                            best = Math.max(best, dot);
                        }
                    }
                    total += best;
                }
                all.add(new RetrievalIndex.Hit(b.blockId(), total));
            }
            all.sort(RetrievalIndex::compare);
            assertEquals(sorted(all.subList(0, k)), got.get(t), "token " + t);
        }
    }

    @Test
    void aTokensChoiceDoesNotDependOnTheOtherTokens() {
        SplittableRandom r = new SplittableRandom(4);
        int nb = 30, nq = 5;
        InMemoryKvBlockStore store = store(r, nb, "int8", null);
        float[] q = gauss(r, nq * QW);
        List<List<Long>> together = ExactKeyChoice.choose(store, 0, ids(nb), q, nq, HEADS, 3);
        for (int t = 0; t < nq; t++) {
            List<List<Long>> alone = ExactKeyChoice.choose(store, 0, ids(nb), Arrays.copyOfRange(q, t * QW, (t + 1) * QW), 1, HEADS, 3);
            assertEquals(together.get(t), alone.getFirst());
        }
        assertTrue(ExactKeyChoice.choose(store, 0, ids(nb), q, nq, HEADS, 0).stream().allMatch(List::isEmpty));
    }
}
