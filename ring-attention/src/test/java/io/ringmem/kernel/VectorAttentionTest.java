package io.ringmem.kernel;

import static io.ringmem.kernel.KernelAssert.assertClose;
import static io.ringmem.kernel.KernelAssert.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class VectorAttentionTest {
    private static final Kernels SCALAR = new ScalarKernels();
    private static final VectorKernels FAST = new VectorKernels(2);

    @AfterAll
    static void close() {
        FAST.close();
    }

    /** Runs both kernels and compares out (abs, values are convex combinations of v in [-1, 1]) and lse. */
    private static void check(Kernels fast, AttentionShape sh, int[] qPos, int[] kPos, boolean causal, long seed) {
        Random rnd = new Random(seed);
        int nq = qPos.length, nk = kPos.length, hd = sh.headDim();
        float[] q = uniform(rnd, nq * sh.heads() * hd, -2f, 2f);
        float[] k = uniform(rnd, nk * sh.kvHeads() * hd, -2f, 2f);
        float[] v = uniform(rnd, nk * sh.kvHeads() * hd, -1f, 1f);
        float[] outE = new float[nq * sh.heads() * hd], lseE = new float[nq * sh.heads()];
        float[] outA = new float[outE.length], lseA = new float[lseE.length];
        Arrays.fill(outA, Float.NaN); // every element must be written
        Arrays.fill(lseA, Float.NaN);
        SCALAR.attention(sh, q, qPos, nq, k, v, kPos, nk, causal, outE, lseE);
        fast.attention(sh, q, qPos, nq, k, v, kPos, nk, causal, outA, lseA);
        String what = sh + " nq=" + nq + " nk=" + nk + " causal=" + causal;
        assertClose(outE, outA, outE.length, 0, 2e-5, "out " + what);
        assertClose(lseE, lseA, lseE.length, 1e-6, 2e-5, "lse " + what);
    }

    private static int[] range(int from, int n) {
        return IntStream.range(from, from + n).toArray();
    }

    private static int[] randomSorted(Random rnd, int n, int bound) {
        int[] p = rnd.ints(n, 0, bound).toArray();
        Arrays.sort(p);
        return p;
    }

    /** Zigzag shard of rank r of P over a sequence of 2·P·chunk tokens: chunks r and 2P-1-r. */
    private static int[] zigzag(int rank, int ranks, int chunk) {
        int[] a = range(rank * chunk, chunk), b = range((2 * ranks - 1 - rank) * chunk, chunk);
        int[] p = Arrays.copyOf(a, 2 * chunk);
        System.arraycopy(b, 0, p, chunk, chunk);
        return p;
    }

    @Test
    void gqaRatiosAndHeadDims() {
        long seed = 1;
        for (int[] hk : new int[][] {{4, 4}, {4, 2}, {8, 2}, {8, 1}, {16, 2}}) {
            for (int hd : new int[] {8, 16, 32, 64, 128}) {
                AttentionShape sh = AttentionShape.of(hk[0], hk[1], hd);
                check(FAST, sh, range(40, 23), range(0, 63), true, seed++);   // nq ≠ nk, causal, key tile straddles
                check(FAST, sh, range(0, 17), range(0, 130), false, seed++);   // non-causal, padded last tile
            }
        }
    }

    @Test
    void oddHeadDimsAndSingleTokens() {
        long seed = 50;
        for (int hd : new int[] {1, 3, 12, 20, 36}) {
            AttentionShape sh = AttentionShape.of(6, 2, hd);
            check(FAST, sh, range(5, 1), range(0, 6), true, seed++);
            check(FAST, sh, range(0, 9), range(0, 1), false, seed++);
            check(FAST, sh, range(100, 33), range(0, 200), true, seed++);
        }
    }

    @Test
    void causalPrefillAtEveryTileAlignment() {
        // shifting the queries moves query-tile bounds against key-tile bounds, including a key tile whose first
        // position equals a query tile's last one (that key is visible to exactly one query of the tile)
        long seed = 70;
        for (int[] hk : new int[][] {{4, 4}, {8, 2}, {8, 1}}) {
            AttentionShape sh = AttentionShape.of(hk[0], hk[1], 16);
            for (int shift : new int[] {0, 1, 3, 7, 31}) {
                check(FAST, sh, range(shift, 150), range(0, 150 + shift), true, seed++);
            }
        }
    }

    @Test
    void nonContiguousPositions() {
        Random rnd = new Random(3);
        AttentionShape sh = AttentionShape.of(8, 2, 32);
        for (int trial = 0; trial < 6; trial++) {
            int[] qPos = randomSorted(rnd, 1 + rnd.nextInt(90), 500);
            int[] kPos = randomSorted(rnd, 1 + rnd.nextInt(300), 500);
            check(FAST, sh, qPos, kPos, true, 10 + trial);
        }
        // unsorted positions are legal too: tile bounds are min/max, not first/last
        int[] shuffled = range(0, 150);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        check(FAST, sh, Arrays.copyOf(shuffled, 70), shuffled, true, 20);
        // zigzag shards: queries of one rank against keys of every rank
        for (int qr = 0; qr < 4; qr++) {
            for (int kr = 0; kr < 4; kr++) check(FAST, sh, zigzag(qr, 4, 48), zigzag(kr, 4, 48), true, 30 + 4 * qr + kr);
        }
    }

    @Test
    void rowsWithoutVisibleKeysGiveZeroAndMinusInfinity() {
        AttentionShape sh = AttentionShape.of(4, 2, 16);
        // queries 0..9 see nothing (keys start at 10); queries 10.. see a prefix
        check(FAST, sh, range(0, 20), range(10, 70), true, 40);
        // no query sees any key: every key tile is skipped
        int[] qPos = range(0, 5);
        check(FAST, sh, qPos, range(1000, 100), true, 41);
        float[] out = new float[5 * 4 * 16], lse = new float[5 * 4];
        Random rnd = new Random(42);
        FAST.attention(sh, uniform(rnd, out.length, -1, 1), qPos, 5, uniform(rnd, 100 * 2 * 16, -1, 1),
                uniform(rnd, 100 * 2 * 16, -1, 1), range(1000, 100), 100, true, out, lse);
        for (float o : out) assertEquals(0f, o);
        for (float l : lse) assertEquals(Float.NEGATIVE_INFINITY, l);
        // no keys at all
        check(FAST, sh, qPos, new int[0], false, 43);
    }

    @Test
    void largeCallsSplitAcrossThreadsAndMatchSingleThread() {
        AttentionShape sh = AttentionShape.of(8, 2, 64);
        check(FAST, sh, range(256, 256), range(0, 512), true, 60);
        try (VectorKernels one = new VectorKernels(1); VectorKernels three = new VectorKernels(3)) {
            check(one, sh, range(256, 256), range(0, 512), true, 61);
            check(three, sh, range(0, 300), range(0, 300), true, 62);
            check(three, sh, range(0, 100), range(0, 300), false, 63);
        }
    }

    /** From LONG_KEYS keys a task holds twice the rows; causal tasks run latest query tile first. */
    @Test
    void longContextTasksMatchTheReference() {
        int n = VectorAttention.LONG_KEYS + 70;
        for (int[] hk : new int[][] {{8, 2}, {4, 4}, {6, 1}}) {
            AttentionShape sh = AttentionShape.of(hk[0], hk[1], 64);
            check(FAST, sh, range(n - 150, 150), range(0, n), true, 100 + hk[0] + hk[1]);  // last queries of a causal prefill
            check(FAST, sh, range(0, 37), range(0, n), false, 110 + hk[0] + hk[1]);
        }
        try (VectorKernels three = new VectorKernels(3)) {
            check(three, AttentionShape.of(8, 2, 128), range(n - 100, 100), range(0, n), true, 120);
        }
    }

    /** One query (decoding) reads the keys in place, in splits of 512 merged exactly: check against the reference. */
    @Test
    void singleQueryOverLongCachesInSplits() {
        long seed = 80;
        for (int[] hk : new int[][] {{8, 2}, {8, 8}, {16, 1}, {6, 2}}) {
            for (int hd : new int[] {20, 64, 128}) {
                AttentionShape sh = AttentionShape.of(hk[0], hk[1], hd);
                check(FAST, sh, range(1499, 1), range(0, 1500), true, seed++);    // three splits, last one partial
                check(FAST, sh, range(700, 1), range(0, 1100), true, seed++);     // keys after the query are hidden
                check(FAST, sh, range(1024, 1), range(0, 1024), false, seed++);   // exactly two splits
            }
        }
        AttentionShape sh = AttentionShape.of(8, 2, 64);
        check(FAST, sh, range(3, 1), range(600, 700), true, seed++);            // no visible key: 0 and -inf
        for (int kr = 0; kr < 4; kr++) check(FAST, sh, range(1000, 1), zigzag(kr, 4, 200), true, seed++);
    }

    /** The split depends on the shape only: one thread and three give bitwise the same single-query result. */
    @Test
    void singleQueryIsBitwiseTheSameOnAnyThreadCount() {
        AttentionShape sh = AttentionShape.of(8, 2, 64);
        Random rnd = new Random(90);
        int nk = 2000;
        float[] q = uniform(rnd, sh.heads() * 64, -2f, 2f);
        float[] k = uniform(rnd, nk * sh.kvHeads() * 64, -2f, 2f), v = uniform(rnd, k.length, -1f, 1f);
        float[][] out = new float[2][q.length], lse = new float[2][sh.heads()];
        try (VectorKernels one = new VectorKernels(1); VectorKernels three = new VectorKernels(3)) {
            one.attention(sh, q, new int[] {nk}, 1, k, v, range(0, nk), nk, true, out[0], lse[0]);
            three.attention(sh, q, new int[] {nk}, 1, k, v, range(0, nk), nk, true, out[1], lse[1]);
        }
        assertArrayEquals(out[0], out[1]);
        assertArrayEquals(lse[0], lse[1]);
    }
}
