package io.ringmem.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.TestData;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobState;
import io.ringmem.coordinator.ApiException;
import io.ringmem.coordinator.CoordinatorService;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.JobRecord;
import io.ringmem.coordinator.RunnerSettings;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end in one JVM: {@link EmbeddedCluster} with three tinystories-656k workers over loopback TCP, against
 * the Hugging Face reference (tinystories656k_512: 512 ids and their 511 NLL).
 */
class EmbeddedClusterTest {
    private static final String MODEL = "tinystories-656k";
    private static LoadedModel loaded;
    private static Kernels kernels;
    private static LlamaModel model;
    private static EmbeddedCluster cluster;
    private static int[] ids;
    private static double[] referenceNll;
    private static final List<String> log = new CopyOnWriteArrayList<>();
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        JsonNode ref = json.readTree(TestData.reference().toFile()).get("tinystories656k_512");
        ids = new int[ref.get("ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = ref.get("ids").get(i).asInt();
        referenceNll = new double[ref.get("nll").size()];
        for (int i = 0; i < referenceNll.length; i++) referenceNll[i] = ref.get("nll").get(i).asDouble();
        assertEquals(512, ids.length);
        assertEquals(511, referenceNll.length);

        loaded = ModelLoader.load(TestData.tinystories656k(), null);
        kernels = KernelsFactory.byName("vector", 1);
        model = new LlamaModel(loaded.config(), loaded.weights(), kernels);
        cluster = EmbeddedCluster.start(MODEL, model, loaded.tokenizer(), 3, 64, JobLimits.defaults(), RunnerSettings.defaults(),
                log::add, job -> { });
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (kernels != null) kernels.close();
        if (loaded != null) loaded.close();
    }

    private static JsonNode runToSuccess(JobRequest request) throws InterruptedException {
        CoordinatorService service = cluster.service();
        String id = service.submit(request).id();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        JobRecord job = service.record(id);
        while (!job.state().finished() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            job = service.record(id);
        }
        assertEquals(JobState.SUCCEEDED, job.state(), "job " + id + ": " + job.error() + "\nlog: " + log);
        return json.valueToTree(service.result(id));
    }

    private static double[] nll(JsonNode document) {
        JsonNode a = document.get("nll");
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }

    private static void assertMatchesReference(double[] nll, double tolerance, String what) {
        assertEquals(referenceNll.length, nll.length, what);
        double worst = 0;
        for (int i = 0; i < nll.length; i++) {
            assertEquals(referenceNll[i], nll[i], tolerance, what + ": NLL at " + i);
            worst = Math.max(worst, Math.abs(referenceNll[i] - nll[i]));
        }
        System.out.println(what + ": worst |NLL - reference| " + worst);
    }

    @Test
    void scoreOnThreeWorkersMatchesTheReference() throws Exception {
        JsonNode r = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("ref", ids)).workers(3)
                .segmentTokens(2048).tokenNll(true).build());
        assertEquals(3, r.get("workers").asInt());
        JsonNode doc = r.get("documents").get(0);
        assertEquals("ref", doc.get("id").asText());
        assertEquals(512, doc.get("tokens").asInt());
        assertEquals(1, doc.get("segments").size(), "512 tokens in one exact segment of 2048");
        assertEquals(3, doc.get("segments").get(0).get("ranks").asInt());
        assertMatchesReference(nll(doc), 1e-4, "P=3 exact");
        double mean = 0;
        for (double v : referenceNll) mean += v / referenceNll.length;
        assertEquals(mean, doc.get("meanNll").asDouble(), 1e-4);
        assertEquals(Math.exp(doc.get("meanNll").asDouble()), doc.get("perplexity").asDouble(), 1e-9);
        assertFalse(doc.has("embedding"));
    }

    @Test
    void concurrentJobsShareTheWorkersAndGiveTheSameResultsAsAlone() throws Exception {
        JobRequest a = JobRequest.builder("score").documents(DocumentInput.tokens("conc-a", ids)).workers(2).segmentTokens(128)
                .tokenNll(true).build();
        JobRequest b = JobRequest.builder("score").documents(DocumentInput.tokens("conc-b", Arrays.copyOf(ids, 300)))
                .workers(1).segmentTokens(128).tokenNll(true).build();
        double[] aloneA = nll(runToSuccess(a).get("documents").get(0));
        double[] aloneB = nll(runToSuccess(b).get("documents").get(0));
        CoordinatorService service = cluster.service();
        String idA = service.submit(a).id(), idB = service.submit(b).id();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!(service.record(idA).state().finished() && service.record(idB).state().finished()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(JobState.SUCCEEDED, service.record(idA).state(), String.valueOf(service.record(idA).error()));
        assertEquals(JobState.SUCCEEDED, service.record(idB).state(), String.valueOf(service.record(idB).error()));
        assertArrayEquals(aloneA, nll(json.valueToTree(service.result(idA)).get("documents").get(0)), 0.0);
        assertArrayEquals(aloneB, nll(json.valueToTree(service.result(idB)).get("documents").get(0)), 0.0);
    }

    @Test
    void embedGivesFiniteEmbeddingsOfTheModelWidth() throws Exception {
        JsonNode r = runToSuccess(JobRequest.builder("embed").documents(DocumentInput.tokens("ref-embed", ids)).workers(3)
                .segmentTokens(256).build());
        JsonNode doc = r.get("documents").get(0);
        assertEquals(2, doc.get("segments").size());
        for (JsonNode e : List.of(doc.get("embedding"), doc.get("segments").get(0).get("embedding"),
                doc.get("segments").get(1).get("embedding"))) {
            assertEquals(128, e.size());
            double norm = 0;
            for (JsonNode v : e) {
                assertTrue(Double.isFinite(v.asDouble()), e.toString());
                norm += v.asDouble() * v.asDouble();
            }
            assertTrue(norm > 0, "an embedding is not all zeros");
        }
        // the document's embedding is the token-weighted mean of its segments' (here two halves of 256 tokens)
        for (int d = 0; d < 128; d++) {
            double mean = (doc.get("segments").get(0).get("embedding").get(d).asDouble()
                    + doc.get("segments").get(1).get("embedding").get(d).asDouble()) / 2;
            assertEquals(mean, doc.get("embedding").get(d).asDouble(), 1e-5, "dimension " + d);
        }
    }

    @Test
    void askAboutAProcessedDocumentAnswers() throws Exception {
        runToSuccess(JobRequest.builder("score").documents(DocumentInput.text("story",
                "Once upon a time, there was a little girl named Lily. "
                + "She loved to play outside with her dog Max.")).workers(2).build());
        JsonNode r = runToSuccess(JobRequest.builder("ask").question(" Lily played with").documents(DocumentInput.ref("story"))
                .maxTokens(8).build());
        JsonNode doc = r.get("documents").get(0);
        assertEquals("story", doc.get("id").asText());
        assertTrue(doc.get("tokens").asInt() > 0, doc.toString());
        assertFalse(doc.get("answer").asText().isBlank(), doc.toString());
    }

    @Test
    void askAboutAnUnknownDocumentIs404() {
        ApiException e = assertThrows(ApiException.class,
                () -> cluster.service().submit(JobRequest.builder("ask").question("Who?").documents(DocumentInput.ref("never-seen"))
                        .build()));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("'never-seen' has not been processed"), e.getMessage());
    }

    @Test
    void generateContinuesAPrompt() throws Exception {
        JsonNode r = runToSuccess(JobRequest.builder("generate").prompt("Once upon a time").maxTokens(12).build());
        assertEquals("generate", r.get("task").asText());
        assertTrue(r.get("tokens").asInt() > 0, r.toString());
        assertFalse(r.get("text").asText().isBlank(), r.toString());
    }

    @Test
    void segmentsWithEveryEarlierBlockRetrievedLosslesslyAreExact() throws Exception {
        // S=128: four segments; codec none, every stored block retrieved and a window of the whole previous segment:
        // each segment sees its entire prefix at full precision, so the result is exact attention
        JsonNode r = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("ref-segmented", ids)).workers(3)
                .segmentTokens(128)
                .kvCodec("none").retrieveTopK(1000).windowTokens(128).tokenNll(true).build());
        JsonNode doc = r.get("documents").get(0);
        assertEquals(4, doc.get("segments").size());
        for (int s = 0; s < 4; s++) {
            assertEquals(128 * s, doc.get("segments").get(s).get("start").asInt());
            assertEquals(128 * s + 128, doc.get("segments").get(s).get("end").asInt());
        }
        assertMatchesReference(nll(doc), 1e-4, "S=128 lossless");
        assertEquals(1.0, doc.get("compressionRatio").asDouble(), 0.05, "codec none stores fp32");
    }

    @Test
    void theExhaustiveTwoLevelIndexThroughTheClusterEqualsTheFlatOneBitForBit() throws Exception {
        // states in Hazelcast hold one box per segment and layer; each segment's summaries are a record in the store
        JobRequest.Builder b = JobRequest.builder("score").workers(2).segmentTokens(128).retrieveTopK(2).tokenNll(true);
        double[] flat = nll(runToSuccess(b.documents(DocumentInput.tokens("ref-flat", ids)).build()).get("documents").get(0));
        double[] two = nll(runToSuccess(b.documents(DocumentInput.tokens("ref-two-level", ids)).retrievalIndex("two-level").build())
                .get("documents").get(0));
        assertArrayEquals(flat, two, 0.0);
    }

    @Test
    void segmentsWithoutCarriedContextDifferFromExact() throws Exception {
        // the counter-check: with nothing carried over, later segments lose their prefix
        JsonNode r = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("ref-forgetful", ids)).workers(3)
                .segmentTokens(128)
                .kvCodec("none").retrieveTopK(0).windowTokens(0).sinkTokens(0).tokenNll(true).build());
        double[] nll = nll(r.get("documents").get(0));
        for (int i = 0; i < 127; i++) assertEquals(referenceNll[i], nll[i], 1e-4, "the first segment is exact, NLL at " + i);
        double diff = 0;
        for (int i = 128; i < nll.length; i++) diff += Math.abs(referenceNll[i] - nll[i]);
        assertTrue(diff > 1e-2, "later segments must differ from exact: " + diff);
    }

    @Test
    void tokenSelectionThroughTheCoordinatorEqualsTheInProcessScorer() throws Exception {
        // kvKeepRatio 0.5: each rank's query sums travel in its shard result to the finalizing worker
        SegmentConfig cfg = SegmentConfig.builder().segmentTokens(128).codec("none").retrieveTopK(1000).windowTokens(32)
                .keepRatio(0.5).build();
        SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), cfg,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, x -> { });
        JsonNode r = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("ref-selected", ids)).workers(3)
                .segmentTokens(128).kvCodec("none").retrieveTopK(1000).windowTokens(32).kvKeepRatio(0.5).tokenNll(true).build());
        JsonNode doc = r.get("documents").get(0);
        assertArrayEquals(expected.nll(), nll(doc), 0.0);
        assertEquals(expected.compressionRatio(), doc.get("compressionRatio").asDouble(), 1e-12, "the same tokens kept");
        assertTrue(doc.get("compressionRatio").asDouble() > 1.9, "half the tokens of fp32 blocks: " + doc.get("compressionRatio"));
    }

    @Test
    void windowPositionsThroughTheCoordinatorEqualTheInProcessScorerAndTheResultSaysSo() throws Exception {
        // 700 tokens, past the model's trained context of 512: positions auto runs window positions, per document
        int[] longer = new int[700];
        for (int i = 0; i < longer.length; i++) longer[i] = ids[i % ids.length];
        SegmentConfig cfg = SegmentConfig.builder().segmentTokens(128).build();
        SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(3, ShardSchedule.ZIGZAG), cfg,
                new InMemoryKvBlockStore(loaded.config().layers())).score(longer, x -> { });
        assertEquals(Positions.WINDOW, expected.positions());
        JsonNode doc = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("long-window", longer)).workers(3)
                .segmentTokens(128).tokenNll(true).build()).get("documents").get(0);
        assertArrayEquals(expected.nll(), nll(doc), 0.0);
        assertEquals("window", doc.get("positions").asText());
        assertEquals(0, doc.get("warnings").size(), doc.toString());

        JsonNode asBefore = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("long-document", longer)).workers(3)
                .segmentTokens(128).positions("document").build()).get("documents").get(0);
        assertEquals("document", asBefore.get("positions").asText());
        assertTrue(asBefore.get("warnings").get(0).asText().contains("trained context of 512"), asBefore.toString());

        JsonNode oneSegment = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("long-exact", longer)).workers(3)
                .build()).get("documents").get(0); // one segment of 2048 by default: exact attention over 700 tokens
        assertEquals(1, oneSegment.get("segments").size());
        assertTrue(oneSegment.get("warnings").get(0).asText().contains("segments of 700 tokens are longer than the model's trained"
                + " context of 512"), oneSegment.toString());

        JsonNode inside = runToSuccess(JobRequest.builder("score").documents(DocumentInput.tokens("inside", ids)).workers(3)
                .segmentTokens(128).build()).get("documents").get(0);
        assertEquals("document", inside.get("positions").asText(), "512 tokens fit the context: auto keeps document positions");
        assertEquals(0, inside.get("warnings").size());
    }
}
