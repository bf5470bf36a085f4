package io.ringmem.tokenizer;

import io.ringmem.TestData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The heap merge gives exactly what llama2.c's quadratic rescan loop gives. */
class BpeMergerTest {

    /** llama2.c's encode merge loop, verbatim in spirit: rescan all pairs, merge the best score, leftmost on ties. */
    private static int[] naiveLlama2c(int[] symbols, String[] pieces, float[] scores, Map<String, Integer> idOf) {
        List<Integer> t = new ArrayList<>();
        for (int s : symbols) t.add(s);
        while (true) {
            float best = -1e10f;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 0; i + 1 < t.size(); i++) {
                Integer id = idOf.get(pieces[t.get(i)] + pieces[t.get(i + 1)]);
                if (id != null && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestIdx = i;
                }
            }
            if (bestIdx < 0) break;
            t.set(bestIdx, bestId);
            t.remove(bestIdx + 1);
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void heapMergeEqualsQuadraticLoopOnRandomText() {
        Llama2cVocabFile f = Llama2cVocabFile.read(TestData.stories260kTokenizer(), 512);
        String[] pieces = f.pieces();
        Map<String, Integer> idOf = new HashMap<>();
        for (int i = 0; i < pieces.length; i++) idOf.putIfAbsent(pieces[i], i);
        SentencePieceBpe tok = SentencePieceBpe.fromLlama2c(TestData.stories260kTokenizer(), 512);
        String alphabet = "abcdehilnorstuwyTOS .,!'é";
        SplittableRandom rnd = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(1, 80);
            for (int i = 0; i < len; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            String text = " " + sb;
            int[] symbols = text.codePoints().map(cp -> idOf.get(Character.toString(cp))).toArray();
            int[] expected = naiveLlama2c(symbols, pieces, f.scores(), idOf);
            assertArrayEquals(expected, tok.encode(sb.toString()), sb.toString());
        }
    }

    @Test
    void rankTiesGoToTheLeftmostPair() {
        // symbols 0,0,0 ; the pair (0,0) merges into 1 with rank 0; (1,0) and (0,1) do not merge
        BpeMerger.MergeRule rule = (l, r) -> l == 0 && r == 0 ? BpeMerger.MergeRule.pack(0, 1) : BpeMerger.MergeRule.NONE;
        assertArrayEquals(new int[] {1, 0}, BpeMerger.merge(new int[] {0, 0, 0}, rule));
        assertArrayEquals(new int[] {1, 1}, BpeMerger.merge(new int[] {0, 0, 0, 0}, rule));
        assertArrayEquals(new int[] {7}, BpeMerger.merge(new int[] {7}, rule));
        assertArrayEquals(new int[0], BpeMerger.merge(new int[0], rule));
    }
}
