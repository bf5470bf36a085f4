package io.ringmem.kernel;

import java.util.Arrays;

/**
 * Blockwise attention with an online softmax (flash attention on the CPU), see {@link Kernels#attention}.
 *
 * <p>Keys are packed once per call, transposed per (KV head, tile of {@link AttentionTiles#TK} keys), so scores
 * run along key lanes. Work is split into tasks of (query tile × KV head); a task processes all {@code group} query
 * heads of its KV head together (GQA), so each key and value row is read once per group. With causal masking a key
 * tile whose smallest position exceeds the query tile's largest is skipped, and per-element masks are only built
 * for tiles that straddle the query tile's positions; tile bounds come from min/max, so non-contiguous positions
 * (zigzag shards) are fine. Causal tasks are claimed latest query tile first (the largest first), so the pool's
 * last tasks are short ones rather than one long tail; with {@link #LONG_KEYS} keys or more a task holds twice the
 * rows, halving the key and value traffic per flop. A single query (decoding) goes to {@link DecodeAttention}, which
 * reads the keys in place.
 */
final class VectorAttention {
    private static final int TK = AttentionTiles.TK;
    /** Query rows (queries × group) a task aims for: a multiple of the kernels' 6-row register tiles. */
    private static final int TASK_ROWS = 24;
    /** Keys from which a task takes twice {@link #TASK_ROWS}: each key and value tile streamed serves twice the rows. */
    static final int LONG_KEYS = 2048;
    /** Multiply-adds (nq · heads · nk · hd) below which a call stays on the caller thread. */
    private static final long PARALLEL_WORK = 1 << 18;

    private final WorkerPool pool;
    private final DecodeAttention decode;

    VectorAttention(WorkerPool pool) {
        this.pool = pool;
        this.decode = new DecodeAttention(pool);
    }

    // q, out (nq, heads, hd); k, v (nk, kvHeads, hd); lse (nq, heads)
    void attention(AttentionShape sh, float[] q, int[] qPos, int nq, float[] k, float[] v, int[] kPos, int nk,
                   boolean causal, float[] out, float[] lse) {
        int hd = sh.headDim(), heads = sh.heads(), kvh = sh.kvHeads(), group = sh.groupSize();
        check(q, (long) nq * heads * hd, "q");
        check(out, (long) nq * heads * hd, "out");
        check(lse, (long) nq * heads, "lse");
        check(k, (long) nk * kvh * hd, "k");
        check(v, (long) nk * kvh * hd, "v");
        if (qPos.length < nq || kPos.length < nk) throw new IllegalArgumentException("position arrays too short");
        if (nq == 0) return;
        if (nq == 1) { // decoding: keys read in place, no packed copy of the cache
            decode.attention(sh, q, qPos[0], k, v, kPos, nk, causal, out, lse);
            return;
        }
        int tiles = (nk + TK - 1) / TK;
        Keys keys = new Keys(k, v, kPos, nk, kvh, hd, tiles);
        boolean parallel = (long) nq * heads * nk * hd >= PARALLEL_WORK && pool.parallelism() > 1;
        if (parallel) {
            pool.forEach(kvh * tiles, i -> keys.pack(i / tiles, i % tiles));
        } else {
            for (int i = 0; i < kvh * tiles; i++) keys.pack(i / tiles, i % tiles);
        }
        int tq = Math.max(1, (nk >= LONG_KEYS ? 2 * TASK_ROWS : TASK_ROWS) / group);
        int qTiles = (nq + tq - 1) / tq;
        Task task = new Task(sh, q, qPos, nq, tq, keys, causal, out, lse);
        if (parallel) {
            // causal: later query tiles see more keys, so they are claimed first and the cheap ones fill in at the end
            pool.forEach(qTiles * kvh, i -> task.run(causal ? qTiles - 1 - i / kvh : i / kvh, i % kvh));
        } else {
            for (int i = 0; i < qTiles * kvh; i++) task.run(i / kvh, i % kvh);
        }
    }

    private static void check(float[] a, long need, String name) {
        if (a.length < need) throw new IllegalArgumentException(name + " holds " + a.length + " floats, needs " + need);
    }

    /** The keys and values of one call, packed per (KV head, tile), with padded positions and tile bounds. */
    private static final class Keys {
        final float[] kt;    // (kvh, tiles, hd, TK) keys transposed per tile, zero padded
        final float[] vp;    // (kvh, tiles, TK · hdp) values in dim panels, see AttentionTiles.packValues
        final int[] pos;     // (tiles · TK) positions, Integer.MAX_VALUE for padding
        final int[] min;     // (tiles) smallest position in the tile
        final int[] max;     // (tiles) largest position in the tile
        final float[] k, v;
        final int nk, kvh, hd, hdp, tiles;

        Keys(float[] k, float[] v, int[] kPos, int nk, int kvh, int hd, int tiles) {
            this.k = k;
            this.v = v;
            this.hdp = AttentionTiles.paddedDims(hd);
            this.vp = new float[kvh * tiles * TK * hdp];
            this.nk = nk;
            this.kvh = kvh;
            this.hd = hd;
            this.tiles = tiles;
            this.kt = new float[kvh * tiles * hd * TK];
            this.pos = new int[tiles * TK];
            this.min = new int[tiles];
            this.max = new int[tiles];
            Arrays.fill(pos, Integer.MAX_VALUE);
            System.arraycopy(kPos, 0, pos, 0, nk);
            for (int b = 0; b < tiles; b++) {
                int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
                for (int j = b * TK, end = Math.min(nk, j + TK); j < end; j++) {
                    lo = Math.min(lo, kPos[j]);
                    hi = Math.max(hi, kPos[j]);
                }
                min[b] = lo;
                max[b] = hi;
            }
        }

        void pack(int kh, int b) {
            int base = (kh * tiles + b) * hd * TK;
            for (int j = 0, key = b * TK; j < TK && key < nk; j++, key++) {
                int ko = (key * kvh + kh) * hd;
                for (int c = 0; c < hd; c++) kt[base + c * TK + j] = k[ko + c];
            }
            AttentionTiles.packValues(v, kh * hd, kvh * hd, b * TK, keysIn(b), hd, hdp, vp, valueTile(kh, b));
        }

        int valueTile(int kh, int b) {
            return (kh * tiles + b) * TK * hdp;
        }

        int keysIn(int b) {
            return Math.min(TK, nk - b * TK);
        }
    }

    /** One (query tile × KV head) block: rows = queries of the tile × the group's heads. */
    private static final class Task {
        final AttentionShape sh;
        final float[] q, out, lse;
        final int[] qPos;
        final int nq, tq;
        final Keys keys;
        final boolean causal;

        Task(AttentionShape sh, float[] q, int[] qPos, int nq, int tq, Keys keys, boolean causal, float[] out,
             float[] lse) {
            this.sh = sh;
            this.q = q;
            this.qPos = qPos;
            this.nq = nq;
            this.tq = tq;
            this.keys = keys;
            this.causal = causal;
            this.out = out;
            this.lse = lse;
        }

        void run(int qt, int kh) {
            int hd = sh.headDim(), hdp = keys.hdp, heads = sh.heads(), group = sh.groupSize();
            int q0 = qt * tq, nqt = Math.min(tq, nq - q0), rows = nqt * group;
            float[] qs = new float[rows * hd];     // (rows, hd) scaled queries; row = query · group + g
            int[] limit = new int[rows];           // (rows) largest visible key position
            int qMin = Integer.MAX_VALUE, qMax = Integer.MIN_VALUE;
            for (int i = 0; i < nqt; i++) {
                int p = causal ? qPos[q0 + i] : Integer.MAX_VALUE - 1;
                qMin = Math.min(qMin, p);
                qMax = Math.max(qMax, p);
                for (int g = 0; g < group; g++) {
                    int r = i * group + g, qo = ((q0 + i) * heads + kh * group + g) * hd;
                    limit[r] = p;
                    for (int c = 0; c < hd; c++) qs[r * hd + c] = q[qo + c] * sh.scale();
                }
            }
            float[] s = new float[rows * TK];      // (rows, TK) scores, then probabilities
            float[] o = new float[rows * hdp];     // (rows, hdp) unnormalized output
            float[] m = new float[rows];           // running max
            float[] l = new float[rows];           // running sum
            Arrays.fill(m, Float.NEGATIVE_INFINITY);
            for (int b = 0; b < keys.tiles; b++) {
                if (keys.min[b] > qMax) continue; // every key of the tile is in the future of every query
                int n = keys.keysIn(b);
                AttentionTiles.scores(qs, rows, hd, keys.kt, (kh * keys.tiles + b) * hd * TK, s);
                if (keys.max[b] > qMin || n < TK) AttentionTiles.mask(s, rows, keys.pos, b * TK, limit);
                AttentionTiles.softmaxUpdate(s, rows, m, l, o, hdp);
                AttentionTiles.accumulate(s, rows, n, keys.vp, keys.valueTile(kh, b), hdp, o);
            }
            for (int i = 0; i < nqt; i++) {
                for (int g = 0; g < group; g++) {
                    int r = i * group + g, h = kh * group + g, oo = ((q0 + i) * heads + h) * hd;
                    if (l[r] == 0f) {
                        Arrays.fill(out, oo, oo + hd, 0f);
                        lse[(q0 + i) * heads + h] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    float inv = 1f / l[r];
                    for (int c = 0; c < hd; c++) out[oo + c] = o[r * hdp + c] * inv;
                    lse[(q0 + i) * heads + h] = (float) (m[r] + Math.log(l[r]));
                }
            }
        }
    }
}
