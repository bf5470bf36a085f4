package io.ringmem.recall;

import io.ringmem.RingmemException;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A needle-in-a-haystack document for the recall model: BOS, filler tokens, {@code n} needles {@code K_i V_i} planted
 * at their depths, and at the end the queries {@code K_i V_i f} for each needle in turn. Each filler is a distractor
 * token with probability {@code distractorLevel} (level 1: every filler carries a random content code of a key's
 * norm), else a plain filler. Keys are distinct within a document; values are drawn at random.
 *
 * @param ids     (N) the tokens
 * @param queries (n) position of each query key; the answer is {@code ids[queries[i] + 1]}
 * @param needles (n) position of each planted key
 */
public record RecallDocument(int[] ids, int[] queries, int[] needles) {
    /** Tokens per query at the end: K_i, V_i, one filler. */
    public static final int QUERY_TOKENS = 3;

    /** The answer token of query {@code i}. */
    public int answer(int i) {
        return ids[queries[i] + 1];
    }

    /**
     * @param length          N
     * @param needles         n, 1..64
     * @param depths          (n) depth of each needle in [0, 1] of the haystack (0: right after BOS, 1: right before the
     *                        queries); needles at equal depths are placed one after another, 3 tokens apart
     * @param distractorLevel share of fillers that are distractors, in [0, 1]
     * @param seed            fillers, keys and values
     */
    public static RecallDocument of(int length, int needles, double[] depths, double distractorLevel, long seed) {
        if (needles < 1 || needles > RecallShape.KEYS) {
            throw new RingmemException("needles must be in [1, " + RecallShape.KEYS + "], got " + needles);
        }
        if (depths.length != needles) throw new IllegalArgumentException("one depth per needle");
        if (!(distractorLevel >= 0 && distractorLevel <= 1)) {
            throw new RingmemException("distractor level must be in [0, 1], got " + distractorLevel);
        }
        int haystack = length - 1 - QUERY_TOKENS * needles;
        if (haystack < 3 * needles + 1) {
            throw new RingmemException("a document of " + length + " tokens cannot hold " + needles + " needles and their queries"
                    + " (needs at least " + (1 + 6 * needles + 1) + ")");
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[length];
        ids[0] = RecallVocabulary.BOS;
        for (int i = 1; i < length; i++) ids[i] = filler(r, distractorLevel);
        int[] keys = distinctKeys(needles, r);
        int[] values = new int[needles];
        for (int i = 0; i < needles; i++) values[i] = RecallVocabulary.value(r.nextInt(RecallShape.VALUES));
        // a needle occupies [p, p+1] and keeps a filler after it; slots are 3 tokens, inside [1, haystack]
        int slots = haystack / 3;
        Integer[] order = new Integer[needles];
        for (int i = 0; i < needles; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(depths[a], depths[b]));
        int[] at = new int[needles];
        int next = 0;
        for (int k = 0; k < needles; k++) {
            int i = order[k];
            double d = depths[i];
            if (!(d >= 0 && d <= 1)) throw new RingmemException("depth must be in [0, 1], got " + d);
            int slot = Math.max(next, (int) Math.round(d * (slots - 1)));
            slot = Math.min(slot, slots - (needles - k)); // leave room for the needles after it
            at[i] = 1 + 3 * slot;
            next = slot + 1;
        }
        for (int i = 0; i < needles; i++) {
            ids[at[i]] = keys[i];
            ids[at[i] + 1] = values[i];
        }
        int[] queries = new int[needles];
        for (int i = 0; i < needles; i++) {
            int q = length - QUERY_TOKENS * (needles - i);
            queries[i] = q;
            ids[q] = keys[i];
            ids[q + 1] = values[i];
        }
        return new RecallDocument(ids, queries, at);
    }

    /** Seeded uniform depths in [0, 1]. */
    public static double[] randomDepths(int needles, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double[] d = new double[needles];
        for (int i = 0; i < needles; i++) d[i] = r.nextDouble();
        return d;
    }

    private static int filler(SplittableRandom r, double level) {
        if (level > 0 && r.nextDouble() < level) return RecallVocabulary.FIRST_DISTRACTOR + r.nextInt(RecallShape.DISTRACTORS);
        return RecallVocabulary.FIRST_FILLER + r.nextInt(RecallShape.FILLERS);
    }

    private static int[] distinctKeys(int n, SplittableRandom r) {
        int[] all = new int[RecallShape.KEYS];
        for (int i = 0; i < all.length; i++) all[i] = RecallVocabulary.key(i);
        for (int i = 0; i < n; i++) {
            int j = i + r.nextInt(all.length - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, n);
    }
}
