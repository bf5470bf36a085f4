package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.KvCache;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.MemoryPass;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ShardGather;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.KvCodec;
import io.ringmem.kv.KvCodecs;
import io.ringmem.model.ModelConfig;
import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two steps around a segment's ring pass, as pure functions of a {@link SegmentState}:
 * <ol>
 *   <li>{@link #extraFor}: the extra context the segment's ranks attend to (read memory, sinks, previous window,
 *   retrieval over stored blocks);</li>
 *   <li>{@link #finish}: from the ranks' KV shards, the segment's compressed blocks (written to the store) and the
 *   next state (sinks, window, summaries, and the next memory via the write pass).</li>
 * </ol>
 * {@link SegmentedScorer} runs them in one process; the distributed runtime runs {@code extraFor} on every worker of
 * a ring and {@code finish} on one of them, with the state kept in the cluster in between. Both give the same
 * numbers because both go through these two functions.
 */
public final class SegmentPipeline {
    private final LlamaModel model;
    private final SegmentConfig seg;
    private final MemoryPass memoryPass; // null without memory tokens
    private final int memoryRows;
    private final KeyRotation rotation; // null with document positions

    /**
     * @param seg settings; {@link #extraFor} and {@link #finish} need them resolved for the document
     *            ({@link SegmentConfig#resolvedFor}: {@link Positions#WINDOW} or {@link Positions#DOCUMENT})
     */
    public SegmentPipeline(LlamaModel model, SegmentConfig seg, int blockTokens) {
        this.model = model;
        this.seg = seg.contextTokens() > 0 ? seg : seg.withPositions(seg.positions(), model.config().maxPositions());
        this.rotation = seg.positions() == Positions.WINDOW ? new KeyRotation(model) : null;
        boolean useMemory = seg.memoryTokens() && model.weights().hasMemoryTokens();
        this.memoryPass = useMemory ? new MemoryPass(model, blockTokens) : null;
        this.memoryRows = useMemory ? model.weights().memoryTokens().rows() : 0;
    }

    /** The state of a fresh document: no carried context, the trained memory (if used). */
    public SegmentState initial() {
        return SegmentState.initial(model.config().layers(), memoryPass == null ? null : model.weights().memoryTokens().toArray());
    }

    /**
     * How the segment's ranks must be run: shards cut only at query-chunk boundaries (chunks of
     * {@link SegmentConfig#blockTokens()} tokens, the retrieval unit), so retrieval does not depend on the ring size.
     */
    public RunConfig runFor(RunConfig run) {
        return run.withGrain(seg.blockTokens());
    }

    /** The positions policy this pipeline runs. */
    public Positions positions() {
        return seg.positions();
    }

    /**
     * The rotary layout of the segment after {@code state}: null with document positions and for a document's first
     * segment (nothing carried: its tokens sit at their document positions under either policy).
     */
    WindowLayout layout(SegmentState state) {
        if (seg.positions() == Positions.AUTO) {
            throw new IllegalArgumentException("positions 'auto' must be resolved for the document first (SegmentConfig.resolvedFor)");
        }
        if (rotation == null || state.segmentsDone() == 0) return null;
        return WindowLayout.of(seg, state.nextPosition(), storedBlocks(state));
    }

    /** Blocks stored in layer 0: its summaries (flat) or the block counts of its segment entries (two-level). */
    private int storedBlocks(SegmentState state) {
        if (state.summaries().isEmpty()) return 0;
        List<BlockSummary> first = state.summaries().get(0);
        return seg.retrievalIndex() == IndexLayout.TWO_LEVEL ? SegmentEntry.blocks(first) : first.size();
    }

    /** Memory tokens per segment (0 when not used). */
    public int memoryTokens() {
        return memoryRows;
    }

    /** What the queries of the segment after {@code state} attend to besides the segment itself. Thread-safe. */
    public ExtraContext extraFor(SegmentState state, KvBlockStore store) {
        CarriedContext carried = carried(state, store);
        if (memoryPass == null) return carried;
        return new MemoryContext(memoryPass.read(state.memory(), memoryRows), carried);
    }

    /**
     * With token selection on ({@code keepRatio < 1}): {@code extra} wrapped to record the queries of ranks
     * 0..ranks-1, whose {@link QuerySums} {@link #finish} then needs; without it, null.
     */
    public TokenScores selection(ExtraContext extra, int ranks) {
        if (seg.keepRatio() >= 1) return null;
        ModelConfig c = model.config();
        return new TokenScores(extra, ranks, c.layers(), c.heads(), c.kvHeads(), c.headDim());
    }

    /**
     * What finishing a segment produced.
     *
     * @param state        the state after the segment
     * @param rawBytes     fp32 bytes of the segment's KV (k and v, every layer)
     * @param encodedBytes bytes written to the store for it
     */
    public record Finished(SegmentState state, long rawBytes, long encodedBytes) {
    }

    /**
     * Stores the segment's blocks and folds the segment into the state.
     *
     * @param shards the ranks' KV of this segment (any order; positions say where rows go)
     * @param end    global position one past the segment's last token
     * @param queries the segment's queries of every rank ({@link TokenScores#total}) when token selection is on;
     *                null keeps every token (required when {@code keepRatio < 1})
     */
    public Finished finish(SegmentState state, List<KvCache> shards, int end, KvBlockStore store, QuerySums queries) {
        if (seg.keepRatio() < 1 && queries == null) throw new IllegalArgumentException("token selection needs the segment's query sums");
        SegmentEntry.check(state, seg.retrievalIndex() == IndexLayout.TWO_LEVEL);
        ModelConfig c = model.config();
        int layers = c.layers(), s = state.segmentsDone();
        KvCodec codec = KvCodecs.byName(seg.codec(), seg.residualTokens());
        KvBlock[] segmentKv = new KvBlock[layers]; // per layer, the segment's tokens, ascending positions, rotary frame
        for (int l = 0; l < layers; l++) segmentKv[l] = ShardGather.layer(shards, l, c.kvDim());
        WindowLayout layout = layout(state);
        int offset = layout == null ? 0 : layout.offset(); // stored keys are rotated for their document positions
        float[] memory = state.memory();
        if (memoryPass != null) { // before the carried state moves on to include this segment
            MemoryPass.MemoryKv read = memoryPass.read(state.memory(), memoryRows);
            memory = memoryPass.write(state.memory(), memoryRows, writeContext(read, carried(state, store), segmentKv, end));
        }
        KvBlock[] sinks = state.sinks().clone(), window = new KvBlock[layers];
        List<List<BlockSummary>> summaries = new ArrayList<>(layers);
        long raw = 0, encoded = 0;
        for (int l = 0; l < layers; l++) {
            KvBlock all = segmentKv[l];
            KvBlock documentFrame = toDocument(all, offset);
            if (s == 0) sinks[l] = documentFrame.slice(0, Math.min(seg.sinkTokens(), all.tokens()));
            window[l] = documentFrame.slice(Math.max(0, all.tokens() - seg.windowTokens()), all.tokens());
            List<BlockSummary> sums = new ArrayList<>(state.summaries().get(l)), mine = new ArrayList<>();
            for (int b0 = 0, b = 0; b0 < all.tokens(); b0 += seg.blockTokens(), b++) {
                int b1 = Math.min(all.tokens(), b0 + seg.blockTokens());
                KvBlock whole = documentFrame.slice(b0, b1);
                KvBlock block = queries == null ? whole // selection scores keys in the frame the queries were recorded in
                        : toDocument(TokenScores.select(all.slice(b0, b1), seg.keepRatio(), queries, c.heads(), c.kvHeads(),
                        c.headDim()), offset);
                long id = BlockIds.of(s, b);
                byte[] bytes = codec.encode(block.k(), block.v(), block.tokens(), c.kvHeads(), c.headDim());
                store.put(l, id, block.positions(), bytes);
                mine.add(BlockSummary.of(id, block.k(), block.tokens(), c.kvHeads(), c.headDim(), seg.summaryKeys()));
                raw += 8L * whole.tokens() * c.kvDim();
                encoded += bytes.length;
            }
            if (seg.retrievalIndex() == IndexLayout.FLAT) sums.addAll(mine);
            else if (!mine.isEmpty()) { // two-level: the state keeps the segment's box, the store its summaries
                store.putSummaries(l, s, mine);
                sums.add(SegmentEntry.of(s, mine));
            }
            summaries.add(sums);
        }
        return new Finished(new SegmentState(s + 1, end, sinks, window, summaries, memory), raw, encoded);
    }

    private CarriedContext carried(SegmentState state, KvBlockStore store) {
        ModelConfig c = model.config();
        return new CarriedContext(state.sinks(), state.window(),
                RetrievalIndexes.of(state, seg, store, c.heads(), c.kvHeads(), c.headDim()),
                store, seg.retrieveTopK(), state.nextPosition(), seg.blockTokens(), layout(state), rotation, c.heads(), c.kvHeads(),
                seg.retrievalScoring(), seg.candidatesFor());
    }

    /** Keys rotated {@code offset} positions below their document positions, moved back to them. */
    private KvBlock toDocument(KvBlock b, int offset) {
        return offset == 0 ? b : rotation.shifted(b, model.config().kvHeads(), offset);
    }

    /**
     * What the write tokens see at each layer: read memory, the carried context (retrieval by their own queries, as
     * if they were one more rank), and the whole segment.
     */
    private static MemoryPass.WriteContext writeContext(MemoryPass.MemoryKv read, CarriedContext carried,
                                                        KvBlock[] segmentKv, int end) {
        return (layer, q, nq) -> {
            int[] qPos = new int[nq];
            Arrays.fill(qPos, end);
            List<KvBlock> blocks = new ArrayList<>(new MemoryContext(read, carried).blocksFor(0, layer, q, qPos, nq));
            blocks.add(segmentKv[layer]);
            return blocks;
        };
    }
}
