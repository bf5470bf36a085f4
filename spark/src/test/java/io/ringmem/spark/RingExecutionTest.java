package io.ringmem.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The ring execution on {@code local[2]}: each document over a barrier stage of P = 2 tasks linked by the Netty TCP
 * ring equals P = 1 (NLL within 1e-5, embedding within 1e-5) and the Hugging Face reference (1e-4); bad rows keep their
 * errors in input order.
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
}
