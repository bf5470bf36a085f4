package io.ringmem.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
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
import scala.collection.immutable.ArraySeq;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DataFrame API with the local execution on {@code local[2]}: tinystories-656k against Hugging Face transformers
 * (per-token NLL within 1e-4, a document and its prefix in one job over two partitions), embeddings against a two-rank
 * pooled prefill, segment mode equal to the CLI's in-process scorer, and bad rows (null, empty, blank, too long, ids
 * outside the vocabulary, null ids, unknown column, wrong column type, bad setting).
 */
class LocalExecutionTest {
    private static final double NLL_TOL = 1e-4;
    private static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big red ball under a tree. She wanted to play with it, so she ran to get it.";
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final StructType TOKENS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType, true), true)));

    private static final StructType TEXT = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("text", DataTypes.StringType, true)));

    @Test
    void matchesHuggingFaceWithinTolerance() {
        JsonNode ref = SparkTests.reference();
        int[] ids = SparkTests.ints(ref.get("ids"));
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("ref", SparkTests.boxed(ids)),
                RowFactory.create("half", SparkTests.boxed(Arrays.copyOf(ids, 256)))), TOKENS).repartition(2);
        List<Row> rows = RingmemSpark.score(df).idColumn("id").tokensColumn("ids").model(SparkTests.tinyStories())
                .tokenNll(true).execution(Execution.LOCAL).threads(1).run().collectAsList();
        Map<String, Row> byId = SparkTests.byId(rows);
        Row r = byId.get("ref");
        assertNull(r.getAs("error"));
        assertEquals(512, (int) r.getAs("tokens"));
        assertEquals(1, (int) r.getAs("segments")); // 512 tokens < the default 2048-token segment: exact
        List<Float> nll = r.getList(r.fieldIndex("nll"));
        JsonNode refNll = ref.get("nll");
        assertEquals(refNll.size(), nll.size());
        for (int i = 0; i < nll.size(); i++) assertEquals(refNll.get(i).asDouble(), nll.get(i), NLL_TOL, "NLL at position " + i);
        assertEquals(ref.get("mean_nll").asDouble(), r.getAs("meanNll"), NLL_TOL);
        assertEquals(Math.exp(r.<Double>getAs("meanNll")), r.getAs("perplexity"), 1e-9);
        Row half = byId.get("half"); // a prefix is scored on its own: its NLL are the reference's first 255
        List<Float> halfNll = half.getList(half.fieldIndex("nll"));
        for (int i = 0; i < halfNll.size(); i++) assertEquals(refNll.get(i).asDouble(), halfNll.get(i), NLL_TOL, "prefix NLL at " + i);
    }

    @Test
    void segmentModeStoresCompressedBlocks() {
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("twice", STORY + " " + STORY + " " + STORY)), TEXT);
        Row twice = RingmemSpark.score(df).model(SparkTests.tinyStories()).segmentTokens(64).kvBlockTokens(32).kvCodec("int8").threads(1)
                .run().collectAsList().get(0);
        assertNull(twice.getAs("error"));
        int n = twice.getAs("tokens");
        assertEquals((n + 63) / 64, (int) twice.getAs("segments"));
        // the CLI's in-process scorer (ringmem score --mode segments) on the same ids and settings
        SegmentConfig cfg = SegmentConfig.builder().segmentTokens(64).blockTokens(32).codec("int8").build();
        try (LoadedModel m = ModelLoader.load(Path.of(SparkTests.tinyStories()), null);
             Backend b = Backends.discover().create("vector", new BackendSettings(1))) {
            int[] ids = withBos(m.tokenizer().encode(STORY + " " + STORY + " " + STORY), m.tokenizer().bos());
            SegmentScoreResult cli = new SegmentedScorer(new LlamaModel(m.config(), m.weights(), b),
                    new RunConfig(1, ShardSchedule.ZIGZAG, 256, Duration.ofMinutes(1)), cfg, new InMemoryKvBlockStore(m.config().layers()))
                    .score(ids, x -> { });
            assertEquals(cli.tokens(), n);
            assertEquals(cli.meanNll(), twice.getAs("meanNll"), 1e-9);
            assertEquals(cli.storeBytes(), (long) twice.getAs("storeBytes"));
            assertEquals(cli.compressionRatio(), twice.getAs("compressionRatio"), 1e-12);
        }
        double ratio = twice.getAs("compressionRatio");
        assertTrue(ratio > 2, "compressionRatio " + ratio); // int8 against fp32, with per-group scales
    }

    @Test
    void embeddingEqualsAPooledTwoRankPrefill() {
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("story", STORY)), TEXT);
        Row story = RingmemSpark.embed(df).model(SparkTests.tinyStories()).threads(1).run().collectAsList().get(0);
        assertNull(story.getAs("error"));
        List<Float> embedding = story.getList(story.fieldIndex("embedding"));
        float[] expected = pooledExact(STORY, story.getAs("tokens"));
        assertEquals(expected.length, embedding.size());
        for (int d = 0; d < expected.length; d++) assertEquals(expected[d], embedding.get(d), 1e-4, "embedding[" + d + "]");
    }

    /** The oracle of a one-segment document's embedding: a two-rank pooled prefill of it (BOS added), divided by N. */
    private static float[] pooledExact(String text, int tokens) {
        try (LoadedModel m = ModelLoader.load(Path.of(SparkTests.tinyStories()), null);
             Backend b = Backends.discover().create("vector", new BackendSettings(1))) {
            int[] ids = withBos(m.tokenizer().encode(text), m.tokenizer().bos());
            assertEquals(tokens, ids.length);
            LlamaModel llama = new LlamaModel(m.config(), m.weights(), b);
            PrefillResult r = new SequenceParallelPrefill(llama, RunConfig.of(2, ShardSchedule.ZIGZAG))
                    .run(ids, 0, ExtraContext.NONE, p -> false, (p, l, o) -> { }, true, l -> { });
            float[] e = new float[r.hiddenSum().length];
            for (int d = 0; d < e.length; d++) e[d] = r.hiddenSum()[d] / ids.length;
            return e;
        }
    }

    private static int[] withBos(int[] body, int bos) {
        int[] ids = new int[body.length + 1];
        ids[0] = bos;
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    @Test
    void badRowsGetTheirOwnErrors() {
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 40; i++) longText.append(STORY).append(' ');
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("null", null), RowFactory.create("empty", ""),
                RowFactory.create("blank", "  \n "), RowFactory.create("long", longText.toString()), RowFactory.create("ok", STORY)), TEXT);
        Map<String, Row> rows = SparkTests.byId(RingmemSpark.score(df).model(SparkTests.tinyStories()).maxDocumentTokens(500).threads(1)
                .run().collectAsList());
        assertEquals(5, rows.size());
        assertEquals("the document is null", rows.get("null").getAs("error"));
        assertEquals("the document is empty", rows.get("empty").getAs("error"));
        assertEquals("the document is blank", rows.get("blank").getAs("error"));
        String longError = rows.get("long").getAs("error");
        assertTrue(longError.contains("over maxDocumentTokens 500"), longError);
        assertNull(rows.get("long").getAs("meanNll"));
        assertNull(rows.get("ok").getAs("error"));
        assertTrue(rows.get("ok").<Double>getAs("meanNll") > 0);
    }

    @Test
    void badTokenIdsAndColumnsAreClear() {
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("out", SparkTests.boxed(1, 999_999)),
                RowFactory.create("one", SparkTests.boxed(1)),
                RowFactory.create("nulls", ArraySeq.unsafeWrapArray(new Integer[]{1, null, 2}))), TOKENS);
        Map<String, Row> rows = SparkTests.byId(RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                .run().collectAsList());
        assertTrue(rows.get("out").<String>getAs("error").contains("token id 999999 is outside the vocabulary"));
        assertEquals("the document has 1 token(s); scoring needs at least 2", rows.get("one").getAs("error"));
        assertEquals("token 1 is null", rows.get("nulls").getAs("error"));

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RingmemSpark.score(df).textColumn("body").model(SparkTests.tinyStories()).run());
        assertEquals("column 'body' is not in the DataFrame; its columns are [id, ids]", unknown.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> RingmemSpark.score(df).textColumn("ids").model(SparkTests.tinyStories()).run());
        assertTrue(wrongType.getMessage().startsWith("column 'ids' must be a string column"), wrongType.getMessage());
        IllegalArgumentException codec = assertThrows(IllegalArgumentException.class,
                () -> RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories()).kvCodec("zip").run());
        assertTrue(codec.getMessage().startsWith("unknown kvCodec 'zip'"), codec.getMessage());
    }
}
