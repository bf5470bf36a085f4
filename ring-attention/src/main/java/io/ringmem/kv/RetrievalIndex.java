package io.ringmem.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Summaries of many stored blocks of one layer, ranked against a query to choose which blocks to fetch.
 *
 * <p>Scoring, exactly: with {@code group = heads / kvHeads}, query rows {@code q_h} (h in [0, heads)) and a block's
 * mean keys {@code s_g} (g in [0, kvHeads)), query head h reads KV head {@code g = h / group} (as in
 * {@link io.ringmem.kernel.AttentionShape}), and
 * <pre>
 *   score(block) = Σ_{g &lt; kvHeads} max_{h : h / group = g} (q_h · s_g)
 * </pre>
 * accumulated in double, without the 1/√headDim scale (it would not change the order); with several representative
 * keys per block ({@link BlockSummary#reps()}) {@code s_g} ranges over them too (the max takes the best one). That is: within a KV group
 * the most interested query head counts, and the KV groups add up, because one fetch serves all heads. Results are
 * ordered by score descending, ties by block id ascending.
 *
 * <p>Not thread-safe: guard it externally if several threads add and query. Not guaranteed: that the best block
 * by summary is the block with the most attention mass (a mean key is a heuristic, as in InfLLM / Landmark
 * Attention).
 */
public final class RetrievalIndex implements BlockRanker {
    /** One ranked block. */
    public record Hit(long blockId, double score) {
    }

    private final int heads, kvHeads, headDim;
    private final List<BlockSummary> blocks;
    private Map<Long, Integer> slot; // key(blockId) → index in blocks; null until the first add or remove (see over)

    public RetrievalIndex(int heads, int kvHeads, int headDim) {
        this(heads, kvHeads, headDim, 0);
    }

    /**
     * An index sized for {@code expectedBlocks} summaries (a hint: it grows past it), so that building one over a
     * long document's blocks does not re-hash and re-copy as it fills.
     */
    public RetrievalIndex(int heads, int kvHeads, int headDim, int expectedBlocks) {
        if (heads <= 0 || kvHeads <= 0 || headDim <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("bad shape: heads=" + heads + " kvHeads=" + kvHeads + " headDim=" + headDim
                    + " (need positive, heads a multiple of kvHeads)");
        }
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        int expected = Math.max(0, expectedBlocks);
        this.blocks = new ArrayList<>(expected);
        this.slot = HashMap.newHashMap(expected);
    }

    /**
     * An index over {@code summaries} (shapes checked, ids distinct: a sorted copy of the ids, no hash map). The id map
     * that {@link #add} and {@link #remove} need is built on their first call, so an index built per segment over a
     * long document's summaries and only queried (segment mode) never pays for it.
     *
     * @throws IllegalArgumentException as {@link #add} would on the first offending summary's shape or a repeated id
     */
    public static RetrievalIndex over(int heads, int kvHeads, int headDim, List<BlockSummary> summaries) {
        RetrievalIndex index = new RetrievalIndex(heads, kvHeads, headDim, 0);
        long[] ids = new long[summaries.size()];
        for (int i = 0; i < ids.length; i++) {
            BlockSummary s = summaries.get(i);
            index.checkShape(s);
            ids[i] = s.blockId();
        }
        Arrays.sort(ids);
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == ids[i - 1]) throw new IllegalArgumentException("block " + ids[i] + " is already indexed");
        }
        index.blocks.addAll(summaries);
        index.slot = null;
        return index;
    }

    private void checkShape(BlockSummary s) {
        if (s.kvHeads() != kvHeads || s.headDim() != headDim) {
            throw new IllegalArgumentException("summary shape " + s.kvHeads() + "x" + s.headDim() + " != index " + kvHeads + "x" + headDim);
        }
    }

    private Map<Long, Integer> slots() {
        if (slot == null) {
            slot = HashMap.newHashMap(blocks.size());
            for (int i = 0; i < blocks.size(); i++) slot.put(key(blocks.get(i).blockId()), i);
        }
        return slot;
    }

    /**
     * The map key of a block id: the id times an odd constant, a bijection, so keys stay distinct. Segment-mode ids
     * ({@code segment << 24 | block}) put the segment in bits that {@link Long#hashCode} folds onto the low bits of
     * the block number, so as raw keys they crowd into few hash buckets (tree bins and re-hashing took 12% of the CPU of
     * the 10M-token run in docs/benchmarks.md at 1.3M tokens); multiplied, their hashes spread.
     */
    private static Long key(long blockId) {
        return blockId * 0x9E3779B97F4A7C15L;
    }

    /** @throws IllegalArgumentException if the shape differs or the id is already present */
    public void add(BlockSummary s) {
        checkShape(s);
        if (slots().putIfAbsent(key(s.blockId()), blocks.size()) != null) {
            throw new IllegalArgumentException("block " + s.blockId() + " is already indexed");
        }
        blocks.add(s);
    }

    /** Removes a block; returns false if it was not indexed. */
    public boolean remove(long blockId) {
        Integer i = slots().remove(key(blockId));
        if (i == null) return false;
        BlockSummary last = blocks.removeLast();
        if (i < blocks.size()) {
            blocks.set(i, last);
            slot.put(key(last.blockId()), i);
        }
        return true;
    }

    public int size() {
        return blocks.size();
    }

    /** The score of one summary for q (heads, headDim), as defined in the class comment. */
    public double score(float[] q, BlockSummary s) {
        int group = heads / kvHeads, w = kvHeads * headDim, reps = s.reps();
        float[] m = s.meanKeys();
        double total = 0;
        for (int g = 0; g < kvHeads; g++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int h = g * group; h < (g + 1) * group; h++) {
                for (int r = 0; r < reps; r++) {
                    int o = r * w + g * headDim;
                    double dot = 0;
                    for (int c = 0; c < headDim; c++) dot += (double) q[h * headDim + c] * m[o + c];
                    best = Math.max(best, dot);
                }
            }
            total += best;
        }
        return total;
    }

    /**
     * The best {@code k} blocks for one query token.
     *
     * @param q (heads, headDim) rotated query, finite
     * @return min(k, size()) hits, score descending then id ascending
     */
    public List<Hit> topK(float[] q, int k) {
        checkQuery(q);
        return bestInterleaved(k, q);
    }

    /**
     * {@link #topK(float[], int)} scored one block at a time with {@link #score}: the reference that the interleaved
     * scan must equal bit for bit (ids, scores and order), and the baseline of {@code bench retrieval}'s scan row.
     */
    public List<Hit> topKOneByOne(float[] q, int k) {
        checkQuery(q);
        return best(k, s -> score(q, s));
    }

    /**
     * The best {@code k} blocks for a chunk of query tokens scored one by one ({@link RetrievalScoring#TOKEN}): a
     * block's score is the largest {@link #score} any of the chunk's tokens gives it.
     *
     * @param q (nq, heads, headDim) rotated queries, finite
     */
    public List<Hit> topKTokens(float[] q, int nq, int k) {
        checkQueries(q, nq);
        int w = heads * headDim;
        float[][] rows = new float[nq][];
        for (int t = 0; t < nq; t++) rows[t] = Arrays.copyOfRange(q, t * w, (t + 1) * w);
        return best(k, s -> {
            double b = Double.NEGATIVE_INFINITY;
            for (float[] row : rows) b = Math.max(b, score(row, s));
            return b;
        });
    }

    /** {@link #topKMean} for {@link RetrievalScoring#MEAN}, {@link #topKTokens} for TOKEN and RESCORE's first stage. */
    public List<Hit> topK(RetrievalScoring scoring, float[] q, int nq, int k) {
        return scoring == RetrievalScoring.MEAN ? topKMean(q, nq, k) : topKTokens(q, nq, k);
    }

    /** Every indexed summary, in no particular order (a copy). */
    public List<BlockSummary> summaries() {
        return List.copyOf(blocks);
    }

    /** One query token: exactly heads × headDim floats, all finite. */
    private void checkQuery(float[] q) {
        if (q.length != heads * headDim) throw new IllegalArgumentException("q has " + q.length + " floats, expected " + heads * headDim);
        checkQueries(q, 1);
    }

    private void checkQueries(float[] q, int nq) {
        if (nq <= 0 || q.length < nq * heads * headDim) {
            throw new IllegalArgumentException("q has " + q.length + " floats, expected nq*heads*headDim with nq >= 1");
        }
        for (int i = 0; i < nq * heads * headDim; i++) if (!Float.isFinite(q[i])) throw new IllegalArgumentException("query is not finite");
    }

    /**
     * The flat scan for one query, four blocks at a time ({@link InterleavedScore}): each block's sums are the ones
     * {@link #score} forms, in the same order, so scores are bit-identical; four independent chains keep the FPU busy
     * where one block's chain of dependent double adds would wait on each add.
     */
    private List<Hit> bestInterleaved(int k, float[] q) {
        TopHits top = new TopHits(k, blocks.size());
        double[] four = new double[4];
        for (int i = 0; i < blocks.size() && !top.wantsNone(); i += 4) {
            int len = Math.min(4, blocks.size() - i);
            if (len == 4 && InterleavedScore.fits(blocks, i)) {
                InterleavedScore.four(q, blocks, i, heads, kvHeads, headDim, four);
            } else {
                for (int j = 0; j < len; j++) four[j] = score(q, blocks.get(i + j));
            }
            for (int j = 0; j < len; j++) top.offer(four[j], blocks.get(i + j).blockId());
        }
        return top.hits();
    }

    private List<Hit> best(int k, ToDoubleFunction<BlockSummary> scorer) {
        TopHits top = new TopHits(k, blocks.size());
        for (BlockSummary s : blocks) {
            if (top.wantsNone()) break;
            top.offer(scorer.applyAsDouble(s), s.blockId());
        }
        return top.hits();
    }

    /** Floats per query token: heads × headDim. */
    public int queryWidth() {
        return heads * headDim;
    }

    /** Like {@link #topK(float[], int)} for the mean over a block of query tokens, q (nq, heads, headDim). */
    public List<Hit> topKMean(float[] q, int nq, int k) {
        return topK(meanQuery(q, nq, heads * headDim), k);
    }

    /** The mean of nq query rows of w floats (accumulated in double), as {@link #topKMean} scores it. */
    public static float[] meanQuery(float[] q, int nq, int w) {
        if (nq <= 0 || q.length < nq * w) throw new IllegalArgumentException("need nq >= 1 and q of nq*heads*headDim floats");
        double[] acc = new double[w];
        for (int t = 0; t < nq; t++) for (int c = 0; c < w; c++) acc[c] += q[t * w + c];
        float[] mean = new float[w];
        for (int c = 0; c < w; c++) mean[c] = (float) (acc[c] / nq);
        return mean;
    }

    /** Ranking order: higher score first, then lower id. */
    public static int compare(Hit a, Hit b) {
        int c = Double.compare(b.score(), a.score());
        return c != 0 ? c : Long.compare(a.blockId(), b.blockId());
    }

    @Override
    public List<Long> blockIds() {
        return blocks.stream().map(BlockSummary::blockId).distinct().sorted().toList();
    }

    @Override
    public int headDim() {
        return headDim;
    }
}
