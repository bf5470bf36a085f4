package io.ringmem.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The ring execution on {@code local[2]}: each document over a barrier stage of P = 2 tasks linked by the Netty TCP
 * ring equals P = 1 (NLL within 1e-5, embedding within 1e-5) and the Hugging Face reference (1e-4); bad rows keep their
 * errors in input order. In segment mode (documents longer than {@code segmentTokens}) the two ranks run the document
 * segment by segment with the blocks and carried state in the stage's Hazelcast member: equal bit for bit (NLL,
 * store bytes) to the in-process {@link SegmentedScorer} with the same ring size and settings.
 */
class RingExecutionTest {
    private static final StructType ROWS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType, true), true)));
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void twoRanksEqualOneAndTheReference() {
        JsonNode ref = SparkTests.reference();
        int[] ids = SparkTests.ints(ref.get("ids"));
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("ref", SparkTests.boxed(ids)),
                RowFactory.create("short", SparkTests.boxed(1)), RowFactory.create("prefix", SparkTests.boxed(Arrays.copyOf(ids, 97)))),
                ROWS);
        List<Row> two = RingmemSpark.embed(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1).tokenNll(true)
                .execution(Execution.RING).ringSize(2).run().collectAsList();
        Map<String, Row> one = SparkTests.byId(RingmemSpark.embed(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                .tokenNll(true).execution(Execution.RING).ringSize(1).run().collectAsList());
        assertEquals(List.of("ref", "short", "prefix"), two.stream().map(r -> r.<String>getAs("id")).toList()); // input order
        Map<String, Row> p2 = SparkTests.byId(two);
        assertEquals("the document has 1 token(s); scoring needs at least 2", p2.get("short").getAs("error"));
        for (String id : List.of("ref", "prefix")) {
            Row a = p2.get(id), b = one.get(id);
            assertNull(a.getAs("error"), id);
            assertEquals((int) b.getAs("tokens"), (int) a.getAs("tokens"));
            assertEquals(b.<Double>getAs("meanNll"), a.<Double>getAs("meanNll"), 1e-5, id);
            List<Float> na = a.getList(a.fieldIndex("nll")), nb = b.getList(b.fieldIndex("nll"));
            for (int i = 0; i < na.size(); i++) {
                assertEquals(nb.get(i), na.get(i), 1e-5, id + " nll " + i);
                assertEquals(ref.get("nll").get(i).asDouble(), na.get(i), 1e-4, id + " reference nll " + i);
            }
            List<Float> ea = a.getList(a.fieldIndex("embedding")), eb = b.getList(b.fieldIndex("embedding"));
            for (int d = 0; d < ea.size(); d++) assertEquals(eb.get(d), ea.get(d), 1e-5, id + " embedding " + d);
        }
    }

    @Test
    void segmentModeOverTheRingEqualsTheInProcessSegmentedScorer() {
        int[] ids = SparkTests.ints(SparkTests.reference().get("ids")); // 512 tokens: 4 segments of 128
        Map<String, int[]> docs = new LinkedHashMap<>();
        docs.put("ref", ids);
        docs.put("mid", Arrays.copyOf(ids, 300));
        docs.put("prefix", Arrays.copyOf(ids, 97)); // one segment: the exact prefill (cut in other shard boundaries)
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("ref", SparkTests.boxed(ids)),
                RowFactory.create("mid", SparkTests.boxed(docs.get("mid"))),
                RowFactory.create("prefix", SparkTests.boxed(docs.get("prefix")))), ROWS);
        SegmentConfig retrieval = SegmentConfig.builder().segmentTokens(128).blockTokens(32).codec("int8").retrieveTopK(2).build();
        SegmentConfig selection = SegmentConfig.builder().segmentTokens(128).blockTokens(32).codec("none").retrieveTopK(1000)
                .keepRatio(0.5).build(); // token selection: the ranks' query sums travel through the store
        for (SegmentConfig cfg : List.of(retrieval, selection)) {
            Map<String, Row> ring = SparkTests.byId(RingmemSpark.embed(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                    .tokenNll(true).segmentTokens(128).kvBlockTokens(32).kvCodec(cfg.codec()).retrieveTopK(cfg.retrieveTopK())
                    .kvKeepRatio(cfg.keepRatio()).execution(Execution.RING).ringSize(2).run().collectAsList());
            try (LoadedModel m = ModelLoader.load(Path.of(SparkTests.tinyStories()), null);
                 Backend b = Backends.discover().create("vector", new BackendSettings(1))) {
                LlamaModel llama = new LlamaModel(m.config(), m.weights(), b);
                for (Map.Entry<String, int[]> d : docs.entrySet()) {
                    String what = d.getKey() + " " + cfg;
                    SegmentScoreResult expected = new SegmentedScorer(llama, new RunConfig(2, ShardSchedule.ZIGZAG, 256,
                            Duration.ofMinutes(1)), cfg, new InMemoryKvBlockStore(m.config().layers())).score(d.getValue(), x -> { }, true);
                    Row a = ring.get(d.getKey());
                    assertNull(a.getAs("error"), what);
                    assertEquals(expected.segments(), (int) a.getAs("segments"), what);
                    double tol = expected.segments() > 1 ? 0.0 : 1e-5; // segments: bit for bit; one: fp32 rounding
                    assertEquals(expected.meanNll(), a.<Double>getAs("meanNll"), tol, what);
                    List<Float> nll = a.getList(a.fieldIndex("nll"));
                    assertEquals(expected.nll().length, nll.size(), what);
                    for (int i = 0; i < nll.size(); i++) assertEquals((float) expected.nll()[i], nll.get(i), tol, what + " nll " + i);
                    List<Float> e = a.getList(a.fieldIndex("embedding"));
                    for (int i = 0; i < e.size(); i++) assertEquals(expected.embedding()[i], e.get(i), 1e-5, what + " embedding " + i);
                    if (expected.segments() > 1) {
                        assertEquals(expected.storeBytes(), (long) a.getAs("storeBytes"), what);
                        assertEquals(expected.compressionRatio(), a.<Double>getAs("compressionRatio"), 1e-12, what);
                    }
                }
            }
        }
        assertEquals(4, (int) SparkTests.byId(RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                .segmentTokens(128).execution(Execution.RING).ringSize(2).run().collectAsList()).get("ref").getAs("segments"));
    }
}
