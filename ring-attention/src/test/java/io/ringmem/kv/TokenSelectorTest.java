package io.ringmem.kv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenSelectorTest {
    /** Brute force: sinks, then the rest sorted by (score desc, index asc), first T, all sorted ascending. */
    static int[] bruteForce(float[] scores, int sinks, int topT) {
        int n = scores.length, s = Math.min(sinks, n);
        List<Integer> rest = new ArrayList<>();
        for (int i = s; i < n; i++) rest.add(i);
        rest.sort(Comparator.<Integer>comparingDouble(i -> -scores[i] + 0.0).thenComparingInt(i -> i));
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < s; i++) kept.add(i);
        kept.addAll(rest.subList(0, Math.min(topT, rest.size())));
        return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    @Test
    void matchesBruteForce() {
        Random rnd = new Random(21);
        for (int n : new int[]{0, 1, 10, 100, 1000}) {
            for (int sinks : new int[]{0, 1, 4, 2000}) {
                for (int topT : new int[]{0, 1, 5, 64, 5000}) {
                    float[] scores = new float[n];
                    boolean ties = rnd.nextBoolean();
                    for (int i = 0; i < n; i++) {
                        scores[i] = ties ? rnd.nextInt(7) - 3 : (float) rnd.nextGaussian();
                        if (ties && scores[i] == 0 && rnd.nextBoolean()) scores[i] = -0.0f;
                    }
                    assertArrayEquals(bruteForce(scores, sinks, topT), TokenSelector.select(scores, sinks, topT),
                            "n=" + n + " S=" + sinks + " T=" + topT + " scores=" + Arrays.toString(scores));
                }
            }
        }
    }

    @Test
    void extremeScores() {
        float[] s = {5, -Float.MAX_VALUE, Float.MAX_VALUE, -1e-30f, 1e-30f, 0f, -0f, Float.MIN_VALUE};
        for (int t = 0; t <= s.length; t++) assertArrayEquals(bruteForce(s, 1, t), TokenSelector.select(s, 1, t), "T=" + t);
    }

    @Test
    void gatherFollowsIndices() {
        float[] x = {0, 1, 10, 11, 20, 21, 30, 31};
        int[] idx = TokenSelector.select(new float[]{0, 9, 1, 8}, 1, 2);
        assertArrayEquals(new int[]{0, 1, 3}, idx);
        assertArrayEquals(new float[]{0, 1, 10, 11, 30, 31}, TokenSelector.gather(x, idx, 2));
        assertArrayEquals(new int[]{100, 101, 103}, TokenSelector.gather(new int[]{100, 101, 102, 103}, idx));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> TokenSelector.select(new float[]{1, Float.NaN}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> TokenSelector.select(new float[]{1}, -1, 1));
    }
}
