package io.ringmem.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.TestData;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
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
import io.ringmem.segment.MemoryNeed;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long document through the embedded cluster (issue 15, part 4): tinystories-656k's 512 reference ids repeated to
 * 32,768 tokens (default suite) or 1,048,576 ({@code slow}), segments of 256 (window positions: far past the trained
 * context of 512), int8 blocks, 2 workers over loopback TCP. Invariants: every segment done and progress at 100%;
 * per-token NLL bit-identical to the single-process {@link SegmentedScorer} with the same ring size; store bytes
 * exactly {@link MemoryNeed#encodedBytes} (the result's count) and {@link MemoryNeed#storeBytes} (the scorer's); the
 * live heap with the store full within {@link MemoryNeed#heapBytes}. A document whose estimate is over the heap is refused at submit (413).
 */
class LongDocumentTest {
    private static final int WORKERS = 2;
    private static final SegmentConfig SETTINGS = SegmentConfig.builder().segmentTokens(256).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LoadedModel loaded;
    private static Kernels kernels;
    private static LlamaModel model;
    private static int[] sample;

    @BeforeAll
    static void load() throws Exception {
        JsonNode ids = JSON.readTree(TestData.reference().toFile()).get("tinystories656k_512").get("ids");
        sample = new int[ids.size()];
        for (int i = 0; i < sample.length; i++) sample[i] = ids.get(i).asInt();
        loaded = ModelLoader.load(TestData.tinystories656k(), null);
        kernels = KernelsFactory.byName("vector", 1);
        model = new LlamaModel(loaded.config(), loaded.weights(), kernels);
    }

    @AfterAll
    static void close() {
        if (kernels != null) kernels.close();
        if (loaded != null) loaded.close();
    }

    /** The reference sample repeated to exactly {@code n} tokens. */
    static int[] repeated(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = sample[i % sample.length];
        return out;
    }

    @Test
    void aDocumentOf32kTokensEqualsTheSingleProcessScorer() throws Exception {
        checkInvariants(32_768); // 128 segments: the invariants of the slow run, in the default suite's time
    }

    @Test
    @Tag("slow")
    void aDocumentOfOneMillionTokensEqualsTheSingleProcessScorer() throws Exception {
        checkInvariants(1 << 20);
    }

    @Test
    void aDocumentOverTheHeapIsRefusedUpFrontWithWhatItNeeds() {
        // fp32 blocks (codec none) cost about 1.3 KB of heap a token: a token per KB of the maximum heap is too many
        int n = (int) Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 1000);
        JobLimits unlimited = new JobLimits(Integer.MAX_VALUE, 10, 64, 1024, Long.MAX_VALUE, 131_072, 1024);
        try (EmbeddedCluster cluster = EmbeddedCluster.start("tinystories-656k", model, loaded.tokenizer(), WORKERS, 64, unlimited,
                RunnerSettings.defaults(), line -> { }, job -> { })) {
            ApiException e = assertThrows(ApiException.class, () -> cluster.service().submit(JobRequest.builder("score")
                    .documents(DocumentInput.tokens("too-long", repeated(n))).workers(WORKERS).segmentTokens(256).kvCodec("none").build()));
            assertEquals(413, e.status(), e.getMessage());
            assertTrue(e.getMessage().startsWith(String.format(Locale.ROOT, "segments mode over %,d tokens needs about ", n)),
                    e.getMessage());
            assertTrue(e.getMessage().contains("this JVM may use: give it -Xmx"), e.getMessage());
            assertEquals(0, cluster.service().list().size(), "nothing was queued");
        }
    }

    private static EmbeddedCluster start(Consumer<String> log, Consumer<JobRecord> progress) {
        return EmbeddedCluster.start("tinystories-656k", model, loaded.tokenizer(), WORKERS, 64, JobLimits.defaults(),
                RunnerSettings.defaults(), log, progress);
    }

    private static void checkInvariants(int n) throws Exception {
        int[] ids = repeated(n);
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicInteger maxDone = new AtomicInteger(), total = new AtomicInteger();
        long liveHeap;
        JsonNode doc;
        MemoryNeed need = MemoryNeed.segments(loaded.config(), SETTINGS, n, WORKERS, true);
        try (EmbeddedCluster cluster = start(log::add, job -> {
            maxDone.accumulateAndGet(job.segmentsFinished(), Math::max);
            total.set(job.segmentsTotal());
        })) {
            CoordinatorService service = cluster.service();
            String id = service.submit(JobRequest.builder("score").documents(DocumentInput.tokens("long", ids)).workers(WORKERS)
                    .segmentTokens(SETTINGS.segmentTokens()).tokenNll(true).build()).id();
            JobRecord job = service.record(id);
            while (!job.state().finished()) { // no deadline: the runner's own limits end a stuck job
                Thread.sleep(100);
                job = service.record(id);
            }
            assertEquals(JobState.SUCCEEDED, job.state(), job.error() + "\nlog: " + log);
            int segments = (n + SETTINGS.segmentTokens() - 1) / SETTINGS.segmentTokens();
            assertEquals(segments, job.segmentsTotal());
            assertEquals(segments, job.segmentsFinished(), "every segment done");
            assertEquals(segments, total.get());
            assertEquals(segments, maxDone.get(), "progress reached 100%");
            doc = JSON.valueToTree(service.result(id)).get("documents").get(0);
            System.gc(); // the store is still full: the live heap now is what the estimate bounds
            liveHeap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        }
        assertEquals(n, doc.get("tokens").asInt());
        assertEquals("window", doc.get("positions").asText());
        JsonNode segs = doc.get("segments");
        for (int s = 0; s < segs.size(); s++) {
            assertEquals((long) s * SETTINGS.segmentTokens(), segs.get(s).get("start").asLong(), "segment " + s);
        }
        assertTrue(liveHeap < need.heapBytes(), "live heap " + liveHeap + " within the estimate " + need);

        SegmentScoreResult expected = new SegmentedScorer(model, RunConfig.of(WORKERS, ShardSchedule.ZIGZAG), SETTINGS,
                new InMemoryKvBlockStore(loaded.config().layers())).score(ids, s -> { });
        assertEquals(Positions.WINDOW, expected.positions());
        double[] nll = new double[n - 1];
        for (int i = 0; i < nll.length; i++) nll[i] = doc.get("nll").get(i).asDouble();
        assertArrayEquals(expected.nll(), nll, 0.0, "bit-identical to the single-process scorer");
        // the scorer counts positions with the blocks (KvBlockStore.storedBytes), the distributed result the encodings alone
        assertEquals(MemoryNeed.storeBytes(loaded.config(), SETTINGS, n), expected.storeBytes());
        assertEquals(MemoryNeed.encodedBytes(loaded.config(), SETTINGS, n), doc.get("storeBytes").asLong());
        assertEquals(expected.storeBytes() - 4L * loaded.config().layers() * n, doc.get("storeBytes").asLong());
        assertEquals(expected.compressionRatio(), doc.get("compressionRatio").asDouble(), 1e-12);
    }
}
