package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.kv.BlockRanker;
import io.ringmem.kv.BlockRescorer;
import io.ringmem.kv.DecodedKv;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.kv.TokenSelector;
import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * The carried context of one segment, per layer: attention sinks and the previous segment's last window (exact
 * fp32), plus the top-k blocks of earlier segments retrieved from the {@link KvBlockStore}.
 *
 * <p>Retrieval unit: the query chunk. The segment's tokens are cut into chunks of {@code chunkTokens} tokens at
 * fixed offsets from the segment's first token; each chunk's queries at a layer, scored against the block
 * summaries ({@link RetrievalIndex}) as the {@link RetrievalScoring} says (by default the chunk's mean query), choose
 * that chunk's top-k blocks, and each query attends to its own chunk's
 * blocks only ({@link #partsFor}: a rank attends to the union of its chunks' blocks, each masked to the chunks that
 * chose it). Shards are cut at chunk boundaries ({@link io.ringmem.forward.RunConfig#grain()}), so a chunk lies on
 * one rank and its choice does not depend on how many ranks run the segment. {@link #blocksFor} (the write tokens of
 * memory, an answer's question) treats all the given queries as one chunk.
 *
 * <p>With {@link RetrievalScoring#PER_TOKEN} the unit is the query token: each token of a chunk chooses its own top-k
 * ({@link PerTokenChoice}, bounded per chunk by {@code candidates} distinct blocks), the chunk fetches the union, and
 * each block is masked to the tokens that chose it, so a token attends to sinks + window + its own blocks only.
 * {@link #blocksFor} then ranks as {@link RetrievalScoring#TOKEN} does (one shared top-k, no masks).
 * {@link RetrievalScoring#LAST_EXACT} ranks as {@code MEAN} in every layer but the last, and there per token as
 * {@code PER_TOKEN} does but by every stored key ({@link ExactKeyChoice}, no per-chunk cap); {@link #blocksFor}
 * ranks as {@code MEAN} in every layer.
 *
 * <p>Positions policy ({@link Positions}). Carried keys are stored rotated for their document positions. Without a
 * layout ({@link Positions#DOCUMENT}) they are used as stored and the segment's queries sit at their document
 * positions: with every earlier token carried, a segment then computes exactly what one prefill over the whole
 * document computes. With a {@link WindowLayout} ({@link Positions#WINDOW}) every carried key is re-rotated for its
 * layout position ({@link KeyRotation}; sinks and window once here, retrieved blocks as they are read, in the
 * retrieval slot their query chunk gave them), the
 * segment's queries sit at {@code global - offset} ({@link #rotaryOffset}), and retrieval scores the queries rotated
 * back to their document positions, so both policies choose blocks by the same rule. Masks always use document
 * positions. Retrieved tokens that are also sinks or in the window are dropped from the retrieved copy, so no key
 * is counted twice.
 *
 * <p>Read-only while a segment runs (ranks call it concurrently); the runner updates sinks, window and indexes only
 * between segments.
 */
final class CarriedContext implements ExtraContext {
    private final KvBlock[] sinks;   // [layer], null before the first segment has run
    private final KvBlock[] window;  // [layer]
    private final BlockRanker[] indexes; // flat RetrievalIndex or TwoLevelRanker per layer
    private final KvBlockStore store;
    private final int topK;
    private final int sinkEnd, windowStart;
    private final int segmentStart, chunkTokens;
    private final WindowLayout layout; // null: document positions
    private final KeyRotation rotation; // null with document positions
    private final int heads, kvHeads;
    private final RetrievalScoring scoring;
    private final int candidates;

    /** Document positions: every key as stored. */
    CarriedContext(KvBlock[] sinks, KvBlock[] window, BlockRanker[] indexes, KvBlockStore store, int topK,
                   int segmentStart, int chunkTokens) {
        this(sinks, window, indexes, store, topK, segmentStart, chunkTokens, null, null, 0, 0);
    }

    /**
     * @param layout   the window layout of the segment, or null for document positions
     * @param rotation re-rotates keys (required with a layout)
     */
    CarriedContext(KvBlock[] sinks, KvBlock[] window, BlockRanker[] indexes, KvBlockStore store, int topK,
                   int segmentStart, int chunkTokens, WindowLayout layout, KeyRotation rotation, int heads, int kvHeads) {
        this(sinks, window, indexes, store, topK, segmentStart, chunkTokens, layout, rotation, heads, kvHeads,
                RetrievalScoring.MEAN, 0);
    }

    /**
     * @param scoring    how blocks are ranked per query chunk ({@link RetrievalScoring})
     * @param candidates blocks {@link RetrievalScoring#RESCORE} rescores with exact keys, or the most distinct blocks a
     *                   chunk fetches under {@link RetrievalScoring#PER_TOKEN} (at least topK; ignored otherwise)
     */
    CarriedContext(KvBlock[] sinks, KvBlock[] window, BlockRanker[] indexes, KvBlockStore store, int topK,
                   int segmentStart, int chunkTokens, WindowLayout layout, KeyRotation rotation, int heads, int kvHeads,
                   RetrievalScoring scoring, int candidates) {
        this.scoring = scoring;
        this.candidates = Math.max(topK, candidates);
        if (chunkTokens < 1) throw new IllegalArgumentException("chunkTokens must be at least 1, got " + chunkTokens);
        if (layout != null && rotation == null) throw new IllegalArgumentException("a window layout needs a key rotation");
        this.segmentStart = segmentStart;
        this.chunkTokens = chunkTokens;
        this.indexes = indexes;
        this.store = store;
        this.topK = topK;
        this.layout = layout;
        this.rotation = rotation;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.sinkEnd = sinks[0] == null || sinks[0].tokens() == 0 ? 0 : sinks[0].positions()[sinks[0].tokens() - 1] + 1;
        this.windowStart = window[0] == null || window[0].tokens() == 0 ? Integer.MAX_VALUE : window[0].positions()[0];
        this.sinks = layout == null ? sinks : placed(sinks);
        this.window = layout == null ? window : placed(window);
    }

    @Override
    public int rotaryOffset() {
        return layout == null ? 0 : layout.offset();
    }

    /** Per layer, the block with its keys re-rotated for their layout positions (null entries kept). */
    private KvBlock[] placed(KvBlock[] perLayer) {
        KvBlock[] out = new KvBlock[perLayer.length];
        for (int l = 0; l < out.length; l++) out[l] = perLayer[l] == null ? null : placed(perLayer[l]);
        return out;
    }

    /** The block with key t moved from its document position to its layout position. */
    private KvBlock placed(KvBlock b) {
        return placed(b, 0);
    }

    /** The block with key t moved to its layout position, retrieved keys in slot {@code slot}. */
    private KvBlock placed(KvBlock b, int slot) {
        int[] deltas = new int[b.tokens()];
        for (int t = 0; t < deltas.length; t++) {
            int p = b.positions()[t];
            deltas[t] = layout.rotaryOf(p, sinkEnd, windowStart, slot) - p;
        }
        return rotation.withKeysRotated(b, kvHeads, deltas);
    }

    /** The queries as retrieval scores them: rotated for their document positions. */
    private float[] retrievalQueries(float[] q, int nq) {
        return layout == null ? q : rotation.rotated(q, nq, heads, layout.offset());
    }

    @Override
    public List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        List<KvBlock> out = exact(layer);
        if (retrieves(layer, nq)) {
            List<Long> ids = chosen(layer, retrievalQueries(q, nq), nq);
            int slot = 0; // the chosen blocks fill the retrieval slots in block id (document) order
            for (KvBlockStore.StoredKvBlock b : store.getAll(layer, ids)) {
                KvBlock kept = withoutCarried(layer, b.positions(), KvCodecs.decode(b.encoded()));
                if (kept.tokens() > 0) out.add(layout == null ? kept : placed(kept, slot));
                slot++;
            }
        }
        return out;
    }

    /**
     * Sinks and window for every query, then the union of the blocks the rank's query chunks retrieved, in block id
     * order, each masked to the queries of the chunks that chose it. With a window layout a chunk's blocks fill its
     * retrieval slots in block id order, so a block chosen by several chunks may sit in several slots: one part per
     * (block, slot), slots ascending. {@code qPos} must be ascending (a shard).
     */
    @Override
    public List<Part> partsFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        List<Part> out = new ArrayList<>();
        for (KvBlock b : exact(layer)) out.add(new Part(b, null));
        if (!retrieves(layer, nq)) return out;
        int width = indexes[layer].queryWidth();
        float[] scored = retrievalQueries(q, nq);
        // block id → slot → query ranges [from, to) of the chunks that chose it there (slot 0 only without a layout)
        TreeMap<Long, TreeMap<Integer, List<int[]>>> chosenBy = new TreeMap<>();
        if (lastExact(layer)) { // per token, so one scan of the stored keys serves every chunk of the rank
            List<List<Long>> perToken = ExactKeyChoice.choose(store, layer, storedIds(layer), scored, nq,
                    heads == 0 ? width / kvHeadDim(layer) : heads, topK);
            for (int t = 0; t < nq; t++) add(chosenBy, perToken.get(t), t, t + 1);
        }
        for (int from = 0; from < nq && !lastExact(layer); ) {
            int chunk = chunkOf(qPos[from]), to = from + 1;
            while (to < nq && chunkOf(qPos[to]) == chunk) to++;
            if (scoring == RetrievalScoring.PER_TOKEN) {
                List<List<Long>> perToken = PerTokenChoice.choose(indexes[layer], scored, width, from, to, topK, candidates);
                for (int t = from; t < to; t++) add(chosenBy, perToken.get(t - from), t, t + 1);
            } else {
                add(chosenBy, chosen(layer, Arrays.copyOfRange(scored, from * width, to * width), to - from), from, to);
            }
            from = to;
        }
        List<KvBlockStore.StoredKvBlock> blocks = store.getAll(layer, new ArrayList<>(chosenBy.keySet()));
        int i = 0;
        for (TreeMap<Integer, List<int[]>> slots : chosenBy.values()) {
            KvBlockStore.StoredKvBlock b = blocks.get(i++);
            KvBlock kept = withoutCarried(layer, b.positions(), KvCodecs.decode(b.encoded()));
            if (kept.tokens() == 0) continue;
            for (var e : slots.entrySet()) {
                out.add(new Part(layout == null ? kept : placed(kept, e.getKey()), mask(qPos, nq, e.getValue())));
            }
        }
        return out;
    }

    /** Records that queries [from, to) chose {@code ids} (ascending): the j-th in retrieval slot j under a layout. */
    private void add(TreeMap<Long, TreeMap<Integer, List<int[]>>> chosenBy, List<Long> ids, int from, int to) {
        for (int j = 0; j < ids.size(); j++) {
            chosenBy.computeIfAbsent(ids.get(j), id -> new TreeMap<>())
                    .computeIfAbsent(layout == null ? 0 : j, x -> new ArrayList<>()).add(new int[]{from, to});
        }
    }

    /**
     * The ids (ascending) of the top-k blocks for one query chunk q (nq, heads, headDim), as rotated for retrieval,
     * under the scoring: {@link RetrievalScoring#RESCORE} fetches the first stage's candidates from the store and ranks
     * them by their decoded keys' largest logit ({@link BlockRescorer}).
     */
    private List<Long> chosen(int layer, float[] q, int nq) {
        BlockRanker index = indexes[layer];
        List<RetrievalIndex.Hit> hits;
        if (scoring == RetrievalScoring.LAST_EXACT) hits = index.topK(RetrievalScoring.MEAN, q, nq, topK); // blocksFor, earlier layers
        else if (scoring != RetrievalScoring.RESCORE) hits = index.topK(scoring, q, nq, topK);
        else {
            List<Long> wide = new ArrayList<>();
            for (RetrievalIndex.Hit h : index.topKTokens(q, nq, candidates)) wide.add(h.blockId());
            hits = new ArrayList<>(wide.size());
            for (KvBlockStore.StoredKvBlock b : store.getAll(layer, wide)) {
                DecodedKv kv = KvCodecs.decode(b.encoded());
                hits.add(new RetrievalIndex.Hit(b.blockId(), BlockRescorer.maxLogit(q, nq,
                        index.queryWidth() / kv.headDim(), kv.k(), kv.n(), kv.kvHeads(), kv.headDim())));
            }
            hits.sort(RetrievalIndex::compare);
            hits = hits.subList(0, Math.min(topK, hits.size()));
        }
        List<Long> ids = new ArrayList<>(hits.size());
        for (RetrievalIndex.Hit h : hits) ids.add(h.blockId());
        Collections.sort(ids);
        return ids;
    }

    /** Which query chunk a position belongs to (fixed offsets from the segment's first token). */
    private int chunkOf(int position) {
        return Math.floorDiv(position - segmentStart, chunkTokens);
    }

    /** The queries' own positions inside {@code ranges}, {@link #HIDDEN} elsewhere; null when they cover every query. */
    private static int[] mask(int[] qPos, int nq, List<int[]> ranges) {
        int covered = 0;
        for (int[] r : ranges) covered += r[1] - r[0];
        if (covered == nq) return null;
        int[] m = new int[nq];
        Arrays.fill(m, HIDDEN);
        for (int[] r : ranges) System.arraycopy(qPos, r[0], m, r[0], r[1] - r[0]);
        return m;
    }

    /** Whether the layer ranks per token by exact keys ({@link RetrievalScoring#LAST_EXACT} in the last layer). */
    private boolean lastExact(int layer) {
        return scoring == RetrievalScoring.LAST_EXACT && layer == indexes.length - 1;
    }

    /** Every block id the layer's index holds, ascending. */
    private List<Long> storedIds(int layer) {
        return indexes[layer].blockIds();
    }

    private int kvHeadDim(int layer) {
        return indexes[layer].headDim();
    }

    /**
     * True where each query's parts are its own: no retrieval, {@link RetrievalScoring#PER_TOKEN} with a per-chunk cap
     * no chunk can reach (chunk tokens × top-k), or the last layer of {@link RetrievalScoring#LAST_EXACT}.
     */
    @Override
    public boolean rowsIndependent(int layer) {
        return topK == 0 || lastExact(layer)
                || (scoring == RetrievalScoring.PER_TOKEN && candidates >= (long) chunkTokens * topK);
    }

    private boolean retrieves(int layer, int nq) {
        return topK > 0 && indexes[layer].size() > 0 && nq > 0;
    }

    /** Sinks (without what the window also holds) and the window of the layer: exact, for every query. */
    private List<KvBlock> exact(int layer) {
        List<KvBlock> out = new ArrayList<>(2 + topK);
        KvBlock w = window[layer];
        KvBlock s = sinks[layer];
        if (s != null && s.tokens() > 0) out.add(windowStart < sinkEnd ? s.slice(0, countBefore(s.positions(), windowStart)) : s);
        if (w != null && w.tokens() > 0) out.add(w);
        return out;
    }

    /** The decoded block without the tokens that sinks or the window already carry exactly. */
    private KvBlock withoutCarried(int layer, int[] positions, DecodedKv kv) {
        int width = kv.kvHeads() * kv.headDim();
        int[] keep = new int[positions.length];
        int n = 0;
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] >= sinkEnd && positions[i] < windowStart) keep[n++] = i;
        }
        keep = Arrays.copyOf(keep, n);
        return new KvBlock(layer, -1, TokenSelector.gather(positions, keep), TokenSelector.gather(kv.k(), keep, width),
                TokenSelector.gather(kv.v(), keep, width));
    }

    /** How many of the ascending {@code positions} are below {@code end}. */
    private static int countBefore(int[] positions, int end) {
        int n = 0;
        while (n < positions.length && positions[n] < end) n++;
        return n;
    }
}
