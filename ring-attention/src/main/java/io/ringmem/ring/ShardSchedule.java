package io.ringmem.ring;

import io.ringmem.RingmemException;

import java.util.Locale;

/**
 * How the N tokens of a sequence are split over P ranks. Positions always follow the tokens (a rank holding token
 * 1000 uses RoPE position 1000), so every schedule computes the same result; they differ in balance.
 * <ul>
 *   <li>{@link #CONTIGUOUS}: rank r holds chunk r of P. Under a causal mask the last rank does P times the
 *   attention work of the first.</li>
 *   <li>{@link #ZIGZAG}: the sequence is cut into 2P chunks and rank r holds chunks r and 2P-1-r, which balances
 *   causal work.</li>
 * </ul>
 * Ranks' token counts differ by at most one; every rank gets at least one token when N ≥ P (with N < 2P some
 * zigzag ranks hold a single chunk).
 */
public enum ShardSchedule {
    CONTIGUOUS,
    ZIGZAG;

    public static ShardSchedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RingmemException("unknown schedule '" + s + "': use zigzag or contiguous");
        }
    }

    /** Sorted global positions held by {@code rank} of {@code ranks} for a sequence of {@code n} tokens. */
    public int[] positions(int rank, int ranks, int n) {
        if (ranks <= 0 || rank < 0 || rank >= ranks) throw new IllegalArgumentException("rank " + rank + " of " + ranks);
        if (n < ranks) throw new RingmemException(ranks + " workers need at least " + ranks + " tokens, got " + n);
        return switch (this) {
            case CONTIGUOUS -> range(chunkStart(rank, ranks, n), chunkStart(rank + 1, ranks, n));
            case ZIGZAG -> zigzag(rank, ranks, n);
        };
    }

    /**
     * Like {@link #positions(int, int, int)}, but cutting only at multiples of {@code grain} (counted from the
     * sequence's first token): the sequence is split into units of {@code grain} tokens (the last one may be
     * shorter), the units are scheduled like tokens, and a rank holds whole units. So a unit is never split over
     * ranks, whatever P is. With fewer units than ranks (a sequence shorter than P·grain) it falls back to cutting
     * anywhere. Segment mode uses its KV block size as the grain: the query chunks that retrieval decides for.
     */
    public int[] positions(int rank, int ranks, int n, int grain) {
        if (grain < 1) throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        int units = (int) (((long) n + grain - 1) / grain);
        if (grain == 1 || units < ranks) return positions(rank, ranks, n);
        int[] mine = positions(rank, ranks, units);
        int count = 0;
        for (int u : mine) count += Math.min(n, (u + 1) * grain) - u * grain;
        int[] out = new int[count];
        int i = 0;
        for (int u : mine) for (int p = u * grain; p < Math.min(n, (u + 1) * grain); p++) out[i++] = p;
        return out;
    }

    /**
     * Rank r holds count(r) = n/P (+1 for the first n%P ranks) tokens, as chunk r (the first half of them, rounded
     * up) and chunk 2P-1-r (the rest); chunks are laid out in order 0..2P-1. Every rank gets a token when n ≥ P.
     */
    private static int[] zigzag(int rank, int ranks, int n) {
        int start = 0, firstStart = 0, firstLen = 0, secondStart = 0, secondLen = 0;
        for (int c = 0; c < 2 * ranks; c++) {
            int owner = c < ranks ? c : 2 * ranks - 1 - c;
            int count = n / ranks + (owner < n % ranks ? 1 : 0);
            int len = c < ranks ? (count + 1) / 2 : count / 2;
            if (owner == rank && c < ranks) {
                firstStart = start;
                firstLen = len;
            } else if (owner == rank) {
                secondStart = start;
                secondLen = len;
            }
            start += len;
        }
        int[] both = new int[firstLen + secondLen];
        for (int i = 0; i < firstLen; i++) both[i] = firstStart + i;
        for (int i = 0; i < secondLen; i++) both[firstLen + i] = secondStart + i;
        return both;
    }

    private static int chunkStart(int chunk, int chunks, int n) {
        return (int) ((long) chunk * n / chunks);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
