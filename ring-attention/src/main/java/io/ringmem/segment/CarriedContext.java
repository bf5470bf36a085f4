package io.ringmem.segment;

import io.ringmem.forward.ExtraContext;
import io.ringmem.kv.DecodedKv;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.kv.TokenSelector;
import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The carried context of one segment, per layer: attention sinks and the previous segment's last window (exact
 * fp32), plus the top-k blocks of earlier segments retrieved from the {@link KvBlockStore} by the rank's own
 * queries (mean query of the rank's tokens at that layer, scored against block summaries; see
 * {@link RetrievalIndex}).
 *
 * <p>Positions policy: carried keys keep their original document positions (they are stored rotated), and the
 * segment's queries use their true document positions. With every earlier token carried, a segment computes
 * exactly what one prefill over the whole document computes. Retrieved tokens that are also sinks or in the
 * window are dropped from the retrieved copy, so no key is counted twice.
 *
 * <p>Read-only while a segment runs (ranks call it concurrently); the runner updates sinks, window and indexes only
 * between segments.
 */
final class CarriedContext implements ExtraContext {
    private final KvBlock[] sinks;   // [layer], null before the first segment has run
    private final KvBlock[] window;  // [layer]
    private final RetrievalIndex[] indexes;
    private final KvBlockStore store;
    private final int topK;
    private final int sinkEnd, windowStart;

    CarriedContext(KvBlock[] sinks, KvBlock[] window, RetrievalIndex[] indexes, KvBlockStore store, int topK) {
        this.sinks = sinks;
        this.window = window;
        this.indexes = indexes;
        this.store = store;
        this.topK = topK;
        this.sinkEnd = sinks[0] == null || sinks[0].tokens() == 0 ? 0 : sinks[0].positions()[sinks[0].tokens() - 1] + 1;
        this.windowStart = window[0] == null || window[0].tokens() == 0 ? Integer.MAX_VALUE : window[0].positions()[0];
    }

    @Override
    public List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        List<KvBlock> out = new ArrayList<>(2 + topK);
        KvBlock w = window[layer];
        KvBlock s = sinks[layer];
        if (s != null && s.tokens() > 0) out.add(windowStart < sinkEnd ? s.slice(0, countBefore(s.positions(), windowStart)) : s);
        if (w != null && w.tokens() > 0) out.add(w);
        if (topK > 0 && indexes[layer].size() > 0 && nq > 0) {
            List<Long> ids = new ArrayList<>(topK);
            for (RetrievalIndex.Hit h : indexes[layer].topKMean(q, nq, topK)) ids.add(h.blockId());
            for (KvBlockStore.StoredKvBlock b : store.getAll(layer, ids)) {
                KvBlock kept = withoutCarried(layer, b.positions(), KvCodecs.decode(b.encoded()));
                if (kept.tokens() > 0) out.add(kept);
            }
        }
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
