package io.ringmem.segment;

import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Window positions against an oracle ({@link WindowReference}) on a tiny seeded random model: 2 layers, 4 heads / 2
 * KV heads, head dim 8, rotate-half RoPE, trained context 48; a 90-token document in segments of 16 (sinks 2, blocks
 * of 4, window 4, every block retrieved with codec none, so every earlier token is carried), context 120 (no
 * clamping) and 40 (clamped). Tolerance: 2e-4 nats per
 * token (the pipeline is fp32 with stored keys re-rotated; the oracle rotates unrotated keys once and sums in double).
 */
class WindowPositionsTest {
    private static final ModelConfig CONFIG = new ModelConfig(32, 64, 2, 4, 2, 8, 64, 48, 1e-5f, 10000.0,
            RopeLayout.ROTATE_HALF, null);
    private static final double TOLERANCE = 2e-4;
    private static Kernels kernels;
    private static LlamaModel llama;
    private static ModelWeights weights;
    private static int[] ids;

    @BeforeAll
    static void setUp() {
        weights = randomWeights(CONFIG, new Random(42));
        kernels = KernelsFactory.byName("vector", 2);
        llama = new LlamaModel(CONFIG, weights, kernels);
        ids = new SplittableRandom(3).ints(90, 0, CONFIG.vocabSize()).toArray();
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
    }

    private static SegmentConfig settings(String positions, Integer context) {
        return SegmentConfig.builder().segmentTokens(16).sinkTokens(2).blockTokens(4).windowTokens(4).codec("none")
                .retrieveTopK(1000).memoryTokens(false).positions(positions).contextTokens(context).build();
    }

    private static SegmentScoreResult run(SegmentConfig s, int workers) {
        return new SegmentedScorer(llama, RunConfig.of(workers, ShardSchedule.ZIGZAG), s,
                new InMemoryKvBlockStore(CONFIG.layers())).score(ids, x -> { });
    }

    @Test
    void windowPositionsEqualTheExplicitContextOracle() {
        // context 120: L = 2 + (every block stored, at most 5 · 4 = 20) · 4 + 4 ≤ 86 and S = 16 fit, so every carried
        // key keeps its layout distance
        double[] expected = new WindowReference(CONFIG, weights, 16, 2, 4, 1000, 4, 120).score(ids);
        for (int workers : new int[]{1, 2}) {
            SegmentScoreResult r = run(settings("window", 120), workers);
            assertEquals(Positions.WINDOW, r.positions());
            assertEquals(120, r.contextTokens());
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], r.nll()[i], TOLERANCE, "P=" + workers + " NLL at " + i);
        }
    }

    @Test
    void perTokenRetrievalOfEveryBlockPlacesKeysAsTheOracleDoes() {
        // every token keeps every block: its j-th block (id order) sits in retrieval slot j, as the chunk's would
        double[] expected = new WindowReference(CONFIG, weights, 16, 2, 4, 1000, 4, 120).score(ids);
        SegmentScoreResult r = run(settings("window", 120).withRetrieval(RetrievalScoring.PER_TOKEN, 0, 1), 2);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], r.nll()[i], TOLERANCE, "per-token NLL at " + i);
    }

    @Test
    void autoIsWindowPastTheModelsContext() {
        SegmentScoreResult r = run(settings("auto", null), 1);
        assertEquals(Positions.WINDOW, r.positions(), "90 tokens > the model's context of 48");
        assertEquals(48, r.contextTokens());
    }

    @Test
    void aContextTooShortForTheLayoutClampsTheFarthestKeys() {
        // context 40: room C - S = 24 < L (up to 86), so distances clamp at 24 (the farthest keys share position 0)
        double[] expected = new WindowReference(CONFIG, weights, 16, 2, 4, 1000, 4, 40).score(ids);
        SegmentScoreResult r = run(settings("window", 40), 2);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], r.nll()[i], TOLERANCE, "NLL at " + i);
    }

    @Test
    void documentPositionsWithEverythingCarriedAreExactAndWindowPositionsAreNot() {
        ScoreResult exact = new Scorer(llama, RunConfig.of(1, ShardSchedule.ZIGZAG)).score(ids);
        SegmentScoreResult doc = run(settings("document", null), 2), win = run(settings("window", null), 2);
        assertEquals(Positions.DOCUMENT, doc.positions());
        double differs = 0;
        for (int i = 0; i < exact.nll().length; i++) {
            assertEquals(exact.nll()[i], doc.nll()[i], TOLERANCE, "document positions at " + i);
            if (i < 15) assertEquals(exact.nll()[i], win.nll()[i], TOLERANCE, "the first segment has nothing to re-position");
            differs = Math.max(differs, Math.abs(exact.nll()[i] - win.nll()[i]));
        }
        assertTrue(differs > 1e-2, "re-positioned carried keys must change later scores, max diff " + differs);
    }

    @Test
    void aDocumentInsideTheContextKeepsDocumentPositions() {
        SegmentConfig auto = settings("auto", null);
        assertEquals(Positions.AUTO, auto.positions());
        assertEquals(Positions.DOCUMENT, auto.resolvedFor(48, 48).positions());
        assertEquals(Positions.WINDOW, auto.resolvedFor(49, 48).positions());
        assertEquals(Positions.DOCUMENT, auto.resolvedFor(1000, 0).positions(), "unknown context: document");
        assertEquals(Positions.WINDOW, settings("window", null).resolvedFor(10, 48).positions(), "explicit policy kept");
        assertEquals(100, settings("auto", 100).resolvedFor(10, 48).contextTokens(), "override wins");
    }

    @Test
    void warningsNameTheContextWherePositionsLeaveIt() {
        SegmentConfig auto = settings("auto", null);
        assertEquals(List.of(), auto.resolvedFor(90, 48).positionWarnings(90), "window positions, segments of 16 fit");
        assertEquals(List.of(), auto.resolvedFor(40, 48).positionWarnings(40), "inside the context");
        assertEquals(List.of(), auto.resolvedFor(90, 0).positionWarnings(90), "unknown context");
        List<String> doc = settings("document", null).resolvedFor(90, 48).positionWarnings(90);
        assertEquals(1, doc.size());
        assertTrue(doc.get(0).contains("90 tokens run past the model's trained context of 48"), doc.get(0));
        List<String> longSegments = SegmentConfig.builder().segmentTokens(64).build().resolvedFor(90, 48).positionWarnings(90);
        assertEquals(1, longSegments.size());
        assertTrue(longSegments.get(0).startsWith("segments of 64 tokens are longer than the model's trained context of 48"),
                longSegments.get(0));
        assertTrue(Positions.exactWarning(90, 48).contains("trained context of 48"));
        assertEquals(null, Positions.exactWarning(48, 48));
    }

    @Test
    void everyQueryKeyDistanceStaysInsideTheContext() {
        for (int context : new int[]{17, 26, 30, 48, 200}) {
            WindowLayout layout = new WindowLayout(160, 16, 2, 4, 2, 4, context);
            int rotaryStart = 160 - layout.offset();
            for (int p = 0; p < 160; p++) {
                int key = layout.rotaryOf(p, 2, 156, p % 2);
                for (int i = 0; i < 16; i++) {
                    int d = rotaryStart + i - key;
                    assertTrue(d >= 1 && d <= context - 1, "context " + context + ": key " + p + " query " + i + " distance " + d);
                }
            }
        }
    }

    static ModelWeights randomWeights(ModelConfig c, Random rnd) {
        float s = (float) (1 / Math.sqrt(c.dim())), qk = 3 * s; // larger q/k: scores of order 1, so positions matter
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            layers.add(new LayerWeights(norm(c.dim(), rnd), matrix(c.qDim(), c.dim(), qk, rnd),
                    matrix(c.kvDim(), c.dim(), qk, rnd), matrix(c.kvDim(), c.dim(), s, rnd),
                    matrix(c.dim(), c.qDim(), s, rnd), norm(c.dim(), rnd), matrix(c.hiddenDim(), c.dim(), s, rnd),
                    matrix(c.dim(), c.hiddenDim(), (float) (1 / Math.sqrt(c.hiddenDim())), rnd),
                    matrix(c.hiddenDim(), c.dim(), s, rnd)));
        }
        Matrix embedding = matrix(c.vocabSize(), c.dim(), 1f, rnd);
        return new ModelWeights(embedding, layers, norm(c.dim(), rnd), embedding);
    }

    private static Matrix matrix(int rows, int cols, float scale, Random rnd) {
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = scale * (2 * rnd.nextFloat() - 1);
        return Matrix.of(a, rows, cols);
    }

    private static float[] norm(int dim, Random rnd) {
        float[] w = new float[dim];
        for (int i = 0; i < dim; i++) w[i] = 1 + 0.5f * (2 * rnd.nextFloat() - 1);
        return w;
    }
}
