package io.ringmem.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A two-level retrieval index over one layer: in memory only one bounding box per stored segment (per KV head and
 * channel, the least and the largest representative key of the segment's blocks), the block summaries themselves fetched per
 * segment from wherever they are kept ({@link SummarySource}: the segment state, the Hazelcast store, a cache). A
 * worker's memory for it grows with the number of segments, not of blocks: {@code 2 × kvHeads × headDim} floats per
 * segment against {@code blocksPerSegment × kvHeads × headDim} for the flat {@link RetrievalIndex}.
 *
 * <p>Search (best-first branch and bound). For each query row r ({@link RetrievalScoring#MEAN}: the chunk's mean
 * query; {@link RetrievalScoring#TOKEN}: every query token) the box bounds every block of the segment from above:
 * <pre>
 *   bound(segment) = max_r Σ_g max_{h : h / group = g} Σ_c max(q_rh[c]·hi_g[c], q_rh[c]·lo_g[c])  ≥  score(r, block)
 * </pre>
 * Segments are visited in bound order (descending, then segment ascending); a visited segment's blocks are scored
 * exactly as {@link RetrievalIndex} scores them. The search stops when the next bound is below the k-th best score
 * found (nothing left can enter the top-k) or when {@code maxSegments} segments were visited. Without that limit
 * (or with a limit at least the number of segments) the result is the flat index's top-k, same ids and same scores
 * in the same order; with it, an approximation whose recall callers measure. On keys with no shared structure (random
 * data) the boxes are loose and the search visits nearly every segment: the memory is saved, not the scoring work.
 *
 * <p>Not thread-safe for {@link #addSegment} while searching.
 */
public final class TwoLevelIndex {
    /** Where a segment's block summaries (of this index's layer) are fetched from. */
    @FunctionalInterface
    public interface SummarySource {
        List<BlockSummary> blocksOf(int segment);
    }

    /**
     * @param hits             the top-k, score descending then block id ascending
     * @param segmentsVisited  segments whose summaries were fetched and scored
     * @param exhaustive       true when the result equals the flat scan's (stopped by the bound, not by the limit)
     */
    public record Result(List<RetrievalIndex.Hit> hits, int segmentsVisited, boolean exhaustive) {
    }

    private record Box(int segment, float[] lo, float[] hi) {
    }

    private final int heads, kvHeads, headDim;
    private final RetrievalIndex scorer;
    private final List<Box> boxes = new ArrayList<>();

    public TwoLevelIndex(int heads, int kvHeads, int headDim) {
        this.scorer = new RetrievalIndex(heads, kvHeads, headDim);
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    /** Adds a segment's box from its block summaries (at least one; each segment once). */
    public void addSegment(int segment, List<BlockSummary> blocks) {
        float[][] box = box(segment, blocks, kvHeads, headDim);
        addBox(segment, box[0], box[1]);
    }

    /**
     * Adds a segment's box as {@link #box} computed it (lo, hi: kvHeads × headDim each), without its summaries: what a
     * worker keeps between segments in two-level mode.
     */
    public void addBox(int segment, float[] lo, float[] hi) {
        int w = kvHeads * headDim;
        if (lo.length != w || hi.length != w) {
            throw new IllegalArgumentException("box of segment " + segment + " is not kvHeads*headDim wide");
        }
        for (Box b : boxes) {
            if (b.segment() == segment) throw new IllegalArgumentException("segment " + segment + " is already indexed");
        }
        boxes.add(new Box(segment, lo, hi));
    }

    /**
     * The bounding box of a segment's block summaries: {lo, hi} (kvHeads × headDim each), per KV channel the least and
     * the largest representative key.
     */
    public static float[][] box(int segment, List<BlockSummary> blocks, int kvHeads, int headDim) {
        if (blocks.isEmpty()) throw new IllegalArgumentException("segment " + segment + " has no blocks");
        int w = kvHeads * headDim;
        float[] lo = new float[w], hi = new float[w];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (BlockSummary s : blocks) {
            if (s.kvHeads() != kvHeads || s.headDim() != headDim) throw new IllegalArgumentException("summary shape differs");
            float[] m = s.meanKeys();
            for (int c = 0; c < m.length; c++) {
                lo[c % w] = Math.min(lo[c % w], m[c]);
                hi[c % w] = Math.max(hi[c % w], m[c]);
            }
        }
        return new float[][]{lo, hi};
    }

    public int segments() {
        return boxes.size();
    }

    /** The indexed segments' numbers, in the order they were added. */
    public List<Integer> segmentNumbers() {
        return boxes.stream().map(Box::segment).toList();
    }

    /** Bytes of the in-memory level: two floats per KV head channel and segment, plus its segment and block count (8). */
    public long bytes() {
        return boxes.size() * (8L * kvHeads * headDim + 8);
    }

    /**
     * @param scoring     {@link RetrievalScoring#MEAN} or {@link RetrievalScoring#TOKEN} (RESCORE's first stage)
     * @param q           (nq, heads, headDim) rotated queries
     * @param maxSegments the most segments to visit; at least {@link #segments()} makes the search exact
     */
    public Result topK(RetrievalScoring scoring, float[] q, int nq, int k, int maxSegments, SummarySource source) {
        if (k < 0 || maxSegments < 0) throw new IllegalArgumentException("k and maxSegments must be >= 0");
        int w = heads * headDim;
        float[][] rows;
        if (scoring == RetrievalScoring.MEAN) rows = new float[][]{RetrievalIndex.meanQuery(q, nq, w)};
        else {
            rows = new float[nq][];
            for (int t = 0; t < nq; t++) rows[t] = Arrays.copyOfRange(q, t * w, (t + 1) * w);
        }
        double[] bound = new double[boxes.size()];
        Integer[] order = new Integer[boxes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            bound[i] = Double.NEGATIVE_INFINITY;
            for (float[] r : rows) bound[i] = Math.max(bound[i], bound(r, boxes.get(i)));
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -bound[i]).thenComparingInt(i -> boxes.get(i).segment()));
        PriorityQueue<RetrievalIndex.Hit> heap = new PriorityQueue<>(Math.max(1, k), (a, b) -> -RetrievalIndex.compare(a, b));
        int visited = 0;
        boolean exhaustive = true;
        for (int i : order) {
            if (k == 0) break;
            if (heap.size() == k && bound[i] + 1e-9 * (1 + Math.abs(bound[i])) < heap.peek().score()) break;
            if (visited == maxSegments) {
                exhaustive = false;
                break;
            }
            visited++;
            for (BlockSummary s : source.blocksOf(boxes.get(i).segment())) {
                double sc = Double.NEGATIVE_INFINITY;
                for (float[] r : rows) sc = Math.max(sc, scorer.score(r, s));
                RetrievalIndex.Hit h = new RetrievalIndex.Hit(s.blockId(), sc);
                if (heap.size() < k) heap.add(h);
                else if (RetrievalIndex.compare(h, heap.peek()) < 0) {
                    heap.poll();
                    heap.add(h);
                }
            }
        }
        List<RetrievalIndex.Hit> out = new ArrayList<>(heap);
        out.sort(RetrievalIndex::compare);
        return new Result(out, visited, exhaustive);
    }

    /** Σ_g max_{h in g} Σ_c max(q·hi, q·lo): an upper bound of {@link RetrievalIndex#score} over the box. */
    private double bound(float[] q, Box b) {
        int group = heads / kvHeads;
        double total = 0;
        for (int g = 0; g < kvHeads; g++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int h = g * group; h < (g + 1) * group; h++) {
                double s = 0;
                for (int c = 0; c < headDim; c++) {
                    double qc = q[h * headDim + c];
                    s += Math.max(qc * b.hi()[g * headDim + c], qc * b.lo()[g * headDim + c]);
                }
                best = Math.max(best, s);
            }
            total += best;
        }
        return total;
    }
}
