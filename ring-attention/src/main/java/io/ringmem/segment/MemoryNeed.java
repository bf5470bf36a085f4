package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.kv.KvCodec;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.IndexLayout;
import io.ringmem.model.ModelConfig;

import java.util.Locale;

/**
 * What one document of {@code tokens} tokens needs in memory before it runs, so that a length the machine cannot hold
 * fails up front with one line ({@link #require}) instead of an {@link OutOfMemoryError} an hour in.
 *
 * <p>{@link #storeBytes} is exact: the bytes a segment job writes to the KV store (each block's codec encoding, header
 * included, and its int32 positions, every layer), the figure the result reports as {@code storeBytes}.
 * {@link #heapBytes} is an estimate of the live heap, calibrated on tinystories-656k (docs/benchmarks.md,
 * "One million tokens and ten"):
 * <ul>
 *   <li>exact mode: the fp32 KV cache of every layer ({@code 8·layers·kvDim} bytes a token) and the prefill's
 *       activations for every token at once (hidden state, queries, attention output and its partial, the projected
 *       keys and values, the ring's incoming block; {@link #exactBytesPerToken}), plus a fixed base;</li>
 *   <li>segment mode: the store's share held by this JVM ({@code storeBytes × }{@value #STORE_HEAP_FACTOR} for the
 *       entries' keys, sealing and map overhead; 0 when the store lives in other processes), the block summaries
 *       (fp32 mean keys, one copy in the store and one per worker's retrieval cache, at most
 *       {@value #SUMMARY_CACHE_BYTES} bytes each), {@value #SEGMENT_BYTES_PER_TOKEN} bytes a token for the job's
 *       bookkeeping (token ids, per-token NLL outcomes and result), one segment's activations, and a fixed base.
 *       With the two-level index ({@link io.ringmem.kv.IndexLayout#TWO_LEVEL}) the states and the workers' caches
 *       hold one box per segment and layer instead ({@link SegmentEntry}), each worker at most
 *       {@value RetrievalIndexes#OPEN_SEGMENTS} segments' summaries open per layer, and the summaries themselves
 *       count once, in the store (this JVM's share when it holds the store).</li>
 * </ul>
 * Not guaranteed: the heap estimate is not an upper bound of every allocation (garbage between collections comes on
 * top; give the JVM some headroom over it, docs/benchmarks.md states how much); it is meant to refuse what clearly
 * cannot fit, not to promise that everything under it does.
 *
 * @param mode       "exact" or "segments", for the message
 * @param tokens     the document's length
 * @param storeBytes bytes written to the KV store (0 in exact mode)
 * @param heapBytes  estimated live heap of the JVM that runs it
 */
public record MemoryNeed(String mode, long tokens, long storeBytes, long heapBytes) {
    /** JVM, model, Hazelcast member, workers' buffers: what a job needs before its first token. */
    public static final long BASE_BYTES = 256L << 20;
    /** Heap per stored byte in the JVM that holds the store (measured 1.1–1.2 on tinystories-656k int8 blocks). */
    public static final double STORE_HEAP_FACTOR = 1.25;
    /** Token ids (submitted and stored), per-token NLL (outcomes, the result), the input text: bytes a token. */
    public static final long SEGMENT_BYTES_PER_TOKEN = 64;
    /** Each worker's cache of block summaries (segment summaries it read), in stored bytes. */
    public static final long SUMMARY_CACHE_BYTES = 512L << 20;

    public MemoryNeed {
        if (tokens < 0 || storeBytes < 0 || heapBytes < 0) throw new IllegalArgumentException("sizes must be >= 0");
    }

    /** Exact (ring) attention over the whole document in one JVM: every rank's KV cache and activations at once. */
    public static MemoryNeed exact(ModelConfig c, long tokens) {
        return new MemoryNeed("exact", tokens, 0, BASE_BYTES + tokens * exactBytesPerToken(c));
    }

    /**
     * Segment mode with {@code seg} (its codec, blocks, keep ratio, segment size) on {@code workers} workers.
     *
     * @param storeHere whether this JVM holds the KV store (embedded cluster, in-process store): then its bytes count
     */
    public static MemoryNeed segments(ModelConfig c, SegmentConfig seg, long tokens, int workers, boolean storeHere) {
        long store = storeBytes(c, seg, tokens);
        long blocks = blocks(seg, tokens);
        long summaries = blocks * c.layers() * (4L * c.kvDim() + 32); // mean key per KV head, fp32, and its id/header
        long caches = (long) Math.max(1, workers) * Math.min(summaries, SUMMARY_CACHE_BYTES);
        if (seg.retrievalIndex() == IndexLayout.TWO_LEVEL) { // states hold boxes; summaries in the store, a few open
            long boxes = segments(seg, tokens) * c.layers() * (8L * c.kvDim() + 40);
            long open = Math.min(blocks, (long) RetrievalIndexes.OPEN_SEGMENTS * ceil(seg.segmentTokens(), seg.blockTokens()))
                    * c.layers() * (4L * c.kvDim() + 32);
            caches = (long) Math.max(1, workers) * (Math.min(boxes, SUMMARY_CACHE_BYTES) + open);
            summaries = boxes + (storeHere ? (long) (summaries * STORE_HEAP_FACTOR) : 0);
        }
        long segment = Math.min(tokens, seg.segmentTokens()) * exactBytesPerToken(c)
                + (long) seg.retrieveTopK() * seg.blockTokens() * 8L * c.kvDim() * c.layers(); // decoded retrieved blocks
        long heap = BASE_BYTES + tokens * SEGMENT_BYTES_PER_TOKEN + summaries + caches + segment
                + (storeHere ? (long) (store * STORE_HEAP_FACTOR) : 0);
        return new MemoryNeed("segments", tokens, store, heap);
    }

    /**
     * Heap bytes a token costs in exact mode: fp32 K and V of every layer kept for the whole document, and the
     * activations of the layer being computed for every token (hidden state and its embedding copy: 2·dim; queries,
     * attention output and its partial, rotary angles: 3·qDim + headDim; projected K, V and the ring's incoming block:
     * 4·kvDim; log-sum-exps: 2·heads), fp32, plus the token's id and NLL.
     */
    public static long exactBytesPerToken(ModelConfig c) {
        long floats = 2L * c.layers() * c.kvDim() + 2L * c.dim() + 3L * c.qDim() + c.headDim() + 4L * c.kvDim() + 2L * c.heads();
        return 4 * floats + 12;
    }

    /**
     * Exact bytes a segment job writes to the KV store for a document of {@code tokens} tokens: the codec's encodings
     * and the blocks' int32 positions (what {@link KvBlockStore#storedBytes} counts).
     */
    public static long storeBytes(ModelConfig c, SegmentConfig seg, long tokens) {
        return bytes(c, seg, tokens, true);
    }

    /**
     * The codec's encodings alone, headers included, positions not: what a distributed job's result reports as
     * {@code storeBytes} (the sum of its segments' encoded bytes) and what its compression ratio divides.
     */
    public static long encodedBytes(ModelConfig c, SegmentConfig seg, long tokens) {
        return bytes(c, seg, tokens, false);
    }

    private static long bytes(ModelConfig c, SegmentConfig seg, long tokens, boolean positions) {
        if (tokens <= 0) return 0;
        long s = seg.segmentTokens(), full = tokens / s, rest = tokens % s;
        long last = rest > 0 ? segmentBytes(c, seg, (int) rest, positions) : 0;
        return c.layers() * (full * segmentBytes(c, seg, (int) s, positions) + last);
    }

    /** One layer of one segment of {@code n} tokens: its blocks, encoded (with their positions). */
    private static long segmentBytes(ModelConfig c, SegmentConfig seg, int n, boolean positions) {
        KvCodec codec = KvCodecs.byName(seg.codec(), seg.residualTokens());
        int b = seg.blockTokens();
        long fullBlocks = n / b, rest = n % b;
        return fullBlocks * blockBytes(codec, c, seg, b, positions) + (rest > 0 ? blockBytes(codec, c, seg, (int) rest, positions) : 0);
    }

    private static long blockBytes(KvCodec codec, ModelConfig c, SegmentConfig seg, int n, boolean positions) {
        int kept = seg.keepRatio() >= 1 ? n : (int) Math.ceil(seg.keepRatio() * n); // as TokenScores.select keeps
        return codec.encodedSize(kept, c.kvHeads(), c.headDim()) + (positions ? 4L * kept : 0);
    }

    /** Stored segments (every layer has one entry per segment). */
    private static long segments(SegmentConfig seg, long tokens) {
        return ceil(tokens, seg.segmentTokens());
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Stored blocks per layer. */
    private static long blocks(SegmentConfig seg, long tokens) {
        long s = seg.segmentTokens(), b = seg.blockTokens();
        long full = tokens / s, rest = tokens % s;
        return full * ((s + b - 1) / b) + (rest + b - 1) / b;
    }

    /**
     * Fails with one line when {@link #heapBytes} is over {@code availableHeap} (for a JVM, its maximum heap).
     *
     * @param hint what the user can do instead, appended to the message (may be empty)
     * @throws RingmemException naming the need, what it is made of, and the heap available
     */
    public void require(long availableHeap, String hint) {
        if (heapBytes <= availableHeap) return;
        String made = mode.equals("exact")
                ? String.format(Locale.ROOT, "the fp32 KV cache of every layer and the activations of every token, %,d bytes a token",
                        (heapBytes - BASE_BYTES) / Math.max(1, tokens))
                : String.format(Locale.ROOT, "%s of KV blocks in the store and %s besides", size(storeBytes),
                        size(heapBytes - storeBytes));
        throw new RingmemException(String.format(Locale.ROOT,
                "%s mode over %,d tokens needs about %s of heap (%s), over the %s this JVM may use: give it -Xmx%dg (JAVA_OPTS)%s",
                mode, tokens, size(heapBytes), made, size(availableHeap), suggestedHeapGiB(), hint.isEmpty() ? "" : " " + hint));
    }

    /**
     * Fails with one line when the store's share of this need ({@code storeBytes × }{@value #STORE_HEAP_FACTOR}, what
     * the entries cost on the members' heaps) is over {@code capacity}, the bytes the store may hold.
     */
    public void requireStore(long capacity, String hint) {
        long onHeap = (long) (storeBytes * STORE_HEAP_FACTOR);
        if (onHeap <= capacity) return;
        throw new RingmemException(String.format(Locale.ROOT,
                "%s mode over %,d tokens writes %s of KV blocks (about %s on the members' heaps), over the store's capacity of %s%s",
                mode, tokens, size(storeBytes), size(onHeap), size(capacity), hint.isEmpty() ? "" : ": " + hint));
    }

    /** The {@code -Xmx} to suggest: the estimate with a third on top for garbage, in whole GiB. */
    public long suggestedHeapGiB() {
        return (long) Math.ceil(heapBytes * 4.0 / 3 / (1L << 30));
    }

    /** {@code bytes} as "512 MiB" or "3.4 GiB". */
    public static String size(long bytes) {
        if (bytes < (1L << 30)) return String.format(Locale.ROOT, "%d MiB", (bytes + (1L << 20) - 1) >> 20);
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
