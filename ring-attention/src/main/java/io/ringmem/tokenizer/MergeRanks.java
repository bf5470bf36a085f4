package io.ringmem.tokenizer;

import io.ringmem.RingmemException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The merge table of a rank-based BPE (Hugging Face {@code tokenizer.json}, GGUF {@code tokenizer.ggml.merges}):
 * the pair of token ids {@code (a, b)} listed at position {@code rank} merges into the token {@code a + b}; lower
 * ranks merge first. When a pair is listed twice, the first (lowest) rank is kept. Immutable.
 */
final class MergeRanks implements BpeMerger.MergeRule {
    private static final long EMPTY = Long.MIN_VALUE;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    private final int size;

    private MergeRanks(long[] keys, long[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.mask = keys.length - 1;
        this.size = size;
    }

    /**
     * Builds the table from merges given as {@code [left, right]} token strings, in rank order.
     *
     * @param source names the file or vocabulary in error messages
     * @throws RingmemException when a merge names a token, or produces a token, that is not in {@code vocab}
     */
    static MergeRanks of(List<String[]> merges, Map<String, Integer> vocab, String source) {
        int capacity = Integer.highestOneBit(Math.max(4, merges.size() * 2 + 1)) << 1;
        long[] keys = new long[capacity];
        long[] values = new long[capacity];
        Arrays.fill(keys, EMPTY);
        int mask = capacity - 1;
        int size = 0;
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            Integer a = vocab.get(pair[0]);
            Integer b = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (a == null || b == null || merged == null) {
                String missing = a == null ? pair[0] : b == null ? pair[1] : pair[0] + pair[1];
                throw new RingmemException(source + ": merge " + rank + " ('" + pair[0] + "' '" + pair[1]
                        + "') uses token '" + missing + "' that is not in the vocabulary");
            }
            long key = key(a, b);
            int slot = slot(key, mask);
            while (keys[slot] != EMPTY && keys[slot] != key) slot = (slot + 1) & mask;
            if (keys[slot] == EMPTY) {
                keys[slot] = key;
                values[slot] = BpeMerger.MergeRule.pack(rank, merged);
                size++;
            }
        }
        return new MergeRanks(keys, values, size);
    }

    @Override
    public long merge(int left, int right) {
        long key = key(left, right);
        int slot = slot(key, mask);
        while (true) {
            long k = keys[slot];
            if (k == key) return values[slot];
            if (k == EMPTY) return NONE;
            slot = (slot + 1) & mask;
        }
    }

    /** Number of distinct merge pairs. */
    int size() {
        return size;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFF_FFFFL);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 32) & mask;
    }
}
