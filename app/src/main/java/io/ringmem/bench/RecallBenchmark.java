package io.ringmem.bench;

import io.ringmem.RingmemException;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.LogitsSink;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.kv.KvCodecs;
import io.ringmem.recall.RecallDocument;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.KvBlockStore;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentedScorer;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreKvBlockStore;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Needle recall against document length, per mode, on the recall model ({@code make-recall-model},
 * docs/recall-model.md): for each length and depth one seeded document ({@link RecallDocument}) is scored in every
 * mode; recall is the share of needles whose answer is the argmax after the query key, answerNll the mean NLL of the
 * answers. Only the query positions go through the output head. Run with {@code bin/ringmem bench recall}.
 *
 * <p>Modes: {@code exact} (exact attention over the whole document, sequence-parallel ring); {@code window}
 * (segments with sinks + window only); {@code retrieval} (segments with top-k retrieval, the default codec);
 * {@code retrieval-CODEC} (each codec of {@link KvCodecs#NAMES}); {@code retrieval-hazelcast} (the default codec, blocks
 * kept in an embedded Hazelcast member on loopback); {@code retrieval-per-token} (the default codec, every query token
 * with its own top-k, {@link io.ringmem.kv.RetrievalScoring#PER_TOKEN}); {@code retrieval-last-exact} (the default codec,
 * mean-key retrieval in earlier layers, in the last layer each scored query token ranks every stored block by its
 * exact keys, {@link io.ringmem.kv.RetrievalScoring#LAST_EXACT}) with {@code retrieval-last-exact-CODEC} and
 * {@code retrieval-last-exact-hazelcast} its codec and store variants; {@code retrieval-two-level} (the default codec,
 * the two-level index, exhaustive) and {@code retrieval-two-level-N} (at most N segments read per ranking). Segment
 * modes use the default positions policy ({@code auto}).
 */
public final class RecallBenchmark {
    /** Modes every run knows, in the order a table lists them. */
    public static final List<String> MODES = modes();
    /** The two-level index mode; {@code retrieval-two-level-N} reads at most N segments' block summaries per ranking. */
    static final String TWO_LEVEL = "retrieval-two-level";
    static final String LAST_EXACT = "retrieval-last-exact";

    /**
     * One (length, depth, mode) measurement.
     *
     * @param depth         the needles' depth in [0, 1], or the string "random" for seeded random depths
     * @param seconds       wall time of the forward pass (the document is built before)
     * @param peakHeapBytes largest used heap sampled during the row ({@link HeapPeak})
     */
    public record Row(int length, Object depth, String mode, int needles, double recall, double answerNll, double seconds,
                      long peakHeapBytes) {
    }

    /**
     * @param depths        needle depths, one document each; empty: one document with seeded random depths
     * @param distractors   share of filler tokens that are distractors, in [0, 1]
     * @param exactMaxTokens the longest document {@code exact} may run (its cost grows with N²)
     * @param summaryKeys   representative keys per stored block in the retrieval modes (1: the mean key)
     */
    public record Settings(List<Integer> lengths, int needles, List<Double> depths, long seed, List<String> modes,
                           double distractors, int segmentTokens, int topK, int blockTokens, int exactMaxTokens,
                           int summaryKeys) {
        public Settings {
            lengths = List.copyOf(lengths);
            depths = List.copyOf(depths);
            modes = List.copyOf(modes);
        }

        /** The segment settings of the segment modes for {@code mode}. */
        SegmentConfig segments(String mode) {
            SegmentConfig.Builder b = SegmentConfig.builder().segmentTokens(segmentTokens).blockTokens(blockTokens)
                    .memoryTokens(false).retrieveTopK(topK).summaryKeys(summaryKeys);
            if (mode.equals("window")) b.retrieveTopK(0);
            if (mode.equals("retrieval-per-token")) b.retrievalScoring("per-token");
            if (mode.startsWith(LAST_EXACT)) b.retrievalScoring("last-exact");
            if (mode.startsWith(TWO_LEVEL)) {
                int limit = mode.equals(TWO_LEVEL) ? 0 : Integer.parseInt(mode.substring(TWO_LEVEL.length() + 1));
                b.retrievalIndex("two-level").indexSegments(limit);
            }
            String codec = mode.startsWith(LAST_EXACT + "-") ? mode.substring(LAST_EXACT.length() + 1)
                    : mode.startsWith("retrieval-") ? mode.substring("retrieval-".length()) : "";
            if (KvCodecs.NAMES.contains(codec)) b.codec(codec);
            return b.build();
        }
    }

    /** Receives rows as they are measured. */
    @FunctionalInterface
    public interface Listener {
        void row(Row row);
    }

    private RecallBenchmark() {
    }

    /** Whether a mode keeps its blocks in the embedded Hazelcast member's store (retrieval-hazelcast, LAST_EXACT-hazelcast). */
    static boolean overHazelcast(String mode) {
        return mode.endsWith("-hazelcast");
    }

    private static List<String> modes() {
        List<String> m = new ArrayList<>(List.of("exact", "window", "retrieval"));
        for (String c : KvCodecs.NAMES) m.add("retrieval-" + c);
        m.add("retrieval-hazelcast");
        m.add("retrieval-per-token");
        m.add(LAST_EXACT);
        for (String c : KvCodecs.NAMES) m.add(LAST_EXACT + "-" + c);
        m.add(LAST_EXACT + "-hazelcast");
        m.add(TWO_LEVEL);
        return List.copyOf(m);
    }

    /**
     * Checks every (length, mode) before anything runs: unknown modes, documents too short for the needles, and
     * {@code exact} past {@code exactMaxTokens}, each one line saying what is wrong or what it would need.
     */
    public static void check(Settings s, LlamaModel model) {
        for (String m : s.modes()) {
            if (!MODES.contains(m) && !m.matches(TWO_LEVEL + "-[1-9][0-9]{0,8}")) {
                throw new RingmemException("unknown mode '" + m + "': use " + String.join(", ", MODES) + " or " + TWO_LEVEL + "-N");
            }
        }
        int stride = queryStride(s);
        for (int n : s.lengths()) {
            int min = 2 + 3 * s.needles() + stride * s.needles();
            if (n < min) throw new RingmemException("length " + n + " cannot hold " + s.needles() + " needles and their queries"
                    + " " + stride + " tokens apart: use at least " + min);
            if (s.modes().contains("exact") && n > s.exactMaxTokens()) {
                var c = model.config();
                double flop = 4.0 * c.layers() * c.heads() * c.headDim() * ((double) n * n / 2);
                double kvBytes = 2.0 * c.layers() * c.kvDim() * 4 * n;
                throw new RingmemException(String.format(Locale.ROOT, "exact attention at %d tokens would need about %.3g TFLOP of"
                                + " attention (%.3g h at 20 GFLOP/s) and %.3g GB of KV cache: above --exact-max-tokens %d;"
                                + " drop exact from --modes or raise the limit", n, flop / 1e12, flop / 20e9 / 3600, kvBytes / 1e9,
                        s.exactMaxTokens()));
            }
        }
    }

    /** Runs every length × depth × mode, in that order. */
    public static void run(LlamaModel model, RunConfig run, Settings s, Listener out) {
        check(s, model);
        warmUp(model, run, s);
        HazelcastMemoryStore hz = s.modes().stream().anyMatch(RecallBenchmark::overHazelcast) ? embeddedMember() : null;
        try {
            int doc = 0;
            for (int n : s.lengths()) {
                List<Object> depths = new ArrayList<>(s.depths());
                if (depths.isEmpty()) depths.add("random");
                for (Object depth : depths) {
                    long seed = s.seed() * 1_000_003L + n * 31L + doc++;
                    double[] d = new double[s.needles()];
                    if (depth instanceof Double x) Arrays.fill(d, x);
                    else d = RecallDocument.randomDepths(s.needles(), seed);
                    RecallDocument document = RecallDocument.of(n, s.needles(), d, s.distractors(), seed, queryStride(s));
                    for (String mode : s.modes()) {
                        out.row(measure(model, run, s, document, depth, mode, hz, "recall-" + doc + "-" + mode));
                    }
                }
            }
        } finally {
            if (hz != null) hz.close();
        }
    }

    /** JIT warm-up: one short document through exact attention and through segments; discarded. */
    private static void warmUp(LlamaModel model, RunConfig run, Settings s) {
        int n = 1024, stride = Math.min(queryStride(s), 64);
        RecallDocument d = RecallDocument.of(n, 2, new double[]{0.2, 0.6}, s.distractors(), s.seed(), stride);
        Settings small = new Settings(List.of(n), 2, List.of(), s.seed(), List.of("exact", "retrieval"), s.distractors(), 256,
                s.topK(), Math.min(64, s.blockTokens()), n, 1);
        measure(model, run, small, d, "warm-up", "exact", null, "warm-up");
        measure(model, run, small, d, "warm-up", "retrieval", null, "warm-up");
    }

    /** Queries sit one retrieval chunk apart, so each is decided in its own chunk. */
    static int queryStride(Settings s) {
        return Math.max(RecallDocument.QUERY_TOKENS, s.blockTokens());
    }

    private static Row measure(LlamaModel model, RunConfig run, Settings s, RecallDocument doc, Object depth, String mode,
                               HazelcastMemoryStore hz, String documentId) {
        int vocab = model.config().vocabSize();
        int[] ids = doc.ids();
        Map<Integer, Integer> answerOf = new HashMap<>();
        for (int i = 0; i < doc.queries().length; i++) answerOf.put(doc.queries()[i], doc.answer(i));
        Map<Integer, double[]> got = new ConcurrentHashMap<>(); // position -> {argmax, nll}
        LogitsSink sink = (pos, logits, off) -> {
            int best = 0;
            for (int i = 1; i < vocab; i++) if (logits[off + i] > logits[off + best]) best = i;
            got.put(pos, new double[]{best, LogProbs.nll(logits, off, vocab, answerOf.get(pos))});
        };
        long t0;
        long peak;
        try (HeapPeak heap = new HeapPeak()) {
            t0 = System.nanoTime();
            if (mode.equals("exact")) {
                new SequenceParallelPrefill(model, run).run(ids, answerOf::containsKey, sink);
            } else {
                KvBlockStore store = overHazelcast(mode) ? new StoreKvBlockStore(hz, documentId)
                        : new InMemoryKvBlockStore(model.config().layers());
                new SegmentedScorer(model, run, s.segments(mode), store).score(ids, answerOf::containsKey, sink, x -> { });
            }
            peak = heap.peak();
        } finally {
            if (hz != null && overHazelcast(mode)) hz.deleteDocument(documentId);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int hits = 0;
        double nll = 0;
        for (var e : answerOf.entrySet()) {
            double[] g = got.get(e.getKey());
            if (g == null) throw new IllegalStateException("no logits for query position " + e.getKey());
            if ((int) g[0] == e.getValue()) hits++;
            nll += g[1];
        }
        int n = answerOf.size();
        return new Row(ids.length, depth, mode, n, (double) hits / n, nll / n, seconds, peak);
    }

    private static HazelcastMemoryStore embeddedMember() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String cluster = "bench-recall-" + Long.toHexString(System.nanoTime());
        return new HazelcastMemoryStore(StoreConfig.builder(cluster).port(port).bindAddress("127.0.0.1")
                .members(List.of("127.0.0.1:" + port)).loggingType("none").build());
    }
}
