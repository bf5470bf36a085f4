package io.ringmem.tokenizer;

import java.util.Arrays;

/**
 * Merges the adjacent symbols of one sequence, best pair first, until no adjacent pair merges.
 *
 * <p>At every step the pair with the lowest rank is merged; among pairs of equal rank the leftmost one wins. This
 * is the loop of Hugging Face's BPE ({@code Word::merge_all}, rank = merge index) and of llama2.c's {@code encode}
 * (rank = position of the merged token's score among all scores, best first, equal scores sharing a rank).
 * Instead of rescanning the whole sequence per merge (quadratic), candidate pairs sit in a min-heap keyed by
 * (rank, left position) and stale entries are dropped when popped, so a sequence of n symbols costs
 * O(n log n) whatever its length. Symbols are kept in place with prev/next links; positions never move, so the
 * left position is a stable tie-breaker that orders pairs exactly as the quadratic loop does.
 */
final class BpeMerger {
    private BpeMerger() {
    }

    /** How two adjacent symbols merge; implementations must be pure functions of their arguments. */
    @FunctionalInterface
    interface MergeRule {
        /** Returned by {@link #merge} when the two symbols do not merge. */
        long NONE = -1L;

        /** {@link #pack}(rank, mergedId) when {@code left right} merge, else {@link #NONE}. Ranks are non-negative. */
        long merge(int left, int right);

        static long pack(int rank, int mergedId) {
            return ((long) rank << 32) | (mergedId & 0xFFFF_FFFFL);
        }

        static int rank(long packed) {
            return (int) (packed >>> 32);
        }

        static int mergedId(long packed) {
            return (int) packed;
        }
    }

    /** Returns the merged symbols; {@code symbols} is not modified. */
    static int[] merge(int[] symbols, MergeRule rule) {
        int n = symbols.length;
        if (n < 2) return symbols.clone();
        int[] sym = symbols.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) push(heap, rule, sym[i], sym[i + 1], i);
        int alive = n;
        while (!heap.isEmpty()) {
            long entry = heap.pop();
            int pos = (int) entry;
            int rank = (int) (entry >>> 32);
            if (sym[pos] < 0) continue; // merged away into its left neighbour
            int right = next[pos];
            if (right < 0) continue;
            long m = rule.merge(sym[pos], sym[right]);
            if (m == MergeRule.NONE || MergeRule.rank(m) != rank) continue; // stale entry
            sym[pos] = MergeRule.mergedId(m);
            sym[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) prev[after] = pos;
            alive--;
            if (prev[pos] >= 0) push(heap, rule, sym[prev[pos]], sym[pos], prev[pos]);
            if (after >= 0) push(heap, rule, sym[pos], sym[after], pos);
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) out[k++] = sym[i];
        return out;
    }

    private static void push(LongHeap heap, MergeRule rule, int left, int right, int pos) {
        long m = rule.merge(left, right);
        if (m != MergeRule.NONE) heap.push(((long) MergeRule.rank(m) << 32) | pos);
    }

    /** Binary min-heap of non-negative longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, a.length * 2);
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) break;
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && a[child + 1] < a[child]) child++;
                if (a[child] >= last) break;
                a[i] = a[child];
                i = child;
            }
            a[i] = last;
            return top;
        }
    }
}
