package io.ringmem.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.TestPorts;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service execution on {@code local[2]} against a real coordinator and worker (separate JVMs from ringmem.jar):
 * the Hugging Face reference within 1e-4 and equal to the local execution, embeddings equal to the local execution's,
 * more documents than in-flight slots, per-row refusals, and a clear job failure when the coordinator is unreachable.
 */
class ServiceExecutionIT {
    private static final StructType ROWS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType, true), true)));
    private static ServiceCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        cluster = ServiceCluster.start(SparkTests.tinyStories(), 1);
        spark = SparkTests.local();
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) spark.stop();
        if (cluster != null) cluster.close();
    }

    @Test
    void serviceEqualsReferenceAndLocal() {
        JsonNode ref = SparkTests.reference();
        int[] ids = SparkTests.ints(ref.get("ids"));
        List<Row> input = new ArrayList<>();
        input.add(RowFactory.create("ref", null, SparkTests.boxed(ids)));
        for (int i = 0; i < 6; i++) input.add(RowFactory.create("prefix-" + i, null, SparkTests.boxed(Arrays.copyOf(ids, 40 + 10 * i))));
        Dataset<Row> df = spark.createDataFrame(input, ROWS).repartition(2);
        Map<String, Row> service = SparkTests.byId(RingmemSpark.embed(df).tokensColumn("ids").execution(Execution.SERVICE)
                .serviceUrl(cluster.url()).apiKey(ServiceCluster.KEY).maxInFlight(2).tokenNll(true).run().collectAsList());
        Map<String, Row> local = SparkTests.byId(RingmemSpark.embed(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                .tokenNll(true).run().collectAsList());
        assertEquals(7, service.size());
        Row r = service.get("ref");
        assertNull(r.getAs("error"));
        List<Float> nll = r.getList(r.fieldIndex("nll"));
        for (int i = 0; i < nll.size(); i++) assertEquals(ref.get("nll").get(i).asDouble(), nll.get(i), 1e-4, "NLL at " + i);
        for (String id : local.keySet()) {
            Row s = service.get(id), l = local.get(id);
            assertNull(s.getAs("error"), id);
            assertEquals((int) l.getAs("tokens"), (int) s.getAs("tokens"), id);
            assertEquals(l.<Double>getAs("meanNll"), s.<Double>getAs("meanNll"), 1e-5, id);
            assertEquals((int) l.getAs("segments"), (int) s.getAs("segments"), id);
            List<Float> se = s.getList(s.fieldIndex("embedding")), le = l.getList(l.fieldIndex("embedding"));
            assertEquals(le.size(), se.size());
            for (int d = 0; d < le.size(); d++) assertEquals(le.get(d), se.get(d), 1e-4, id + " embedding[" + d + "]");
        }
    }

    @Test
    void refusedDocumentsAreRowErrors() {
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("blank", "   ", null), RowFactory.create("null", null, null),
                RowFactory.create("ok", "Once upon a time there was a cat.", null)), ROWS);
        Map<String, Row> rows = SparkTests.byId(RingmemSpark.score(df).textColumn("text").execution(Execution.SERVICE)
                .serviceUrl(cluster.url()).apiKey(ServiceCluster.KEY).run().collectAsList());
        assertEquals("document 'doc' is empty", rows.get("blank").getAs("error"));
        assertEquals("the document is null", rows.get("null").getAs("error"));
        assertNull(rows.get("ok").getAs("error"));
        assertTrue(rows.get("ok").<Double>getAs("meanNll") > 0);
    }

    @Test
    void unreachableServiceFailsTheJobClearly() throws Exception {
        int port = TestPorts.free(); // nothing listens there
        Dataset<Row> df = spark.createDataFrame(List.<Row>of(RowFactory.create("a", "Once upon a time", null)), ROWS);
        SparkException e = assertThrows(SparkException.class, () -> RingmemSpark.score(df).execution(Execution.SERVICE)
                .serviceUrl("http://127.0.0.1:" + port).maxAttempts(2).run().collectAsList());
        String expected = "ringmem service at http://127.0.0.1:" + port + ": failed 2 time(s): cannot reach the coordinator";
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void refusedKeyFailsTheJobClearly() {
        Dataset<Row> df = spark.createDataFrame(List.<Row>of(RowFactory.create("a", "Once upon a time", null)), ROWS);
        SparkException e = assertThrows(SparkException.class, () -> RingmemSpark.score(df).execution(Execution.SERVICE)
                .serviceUrl(cluster.url()).apiKey("not-a-key-of-this-cluster-0123456789").run().collectAsList());
        assertTrue(e.getMessage().contains("ringmem service at " + cluster.url()), e.getMessage());
        assertTrue(e.getMessage().contains("401") || e.getMessage().toLowerCase(Locale.ROOT).contains("key"), e.getMessage());
    }
}
