package io.ringmem.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.TestData;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the Spark tests share: a local[2] session bound to loopback, the Hugging Face reference, rows by id. */
final class SparkTests {
    private SparkTests() {
    }

    /** A local[2] session (two task slots: barrier stages of two tasks fit); the caller stops it. */
    static SparkSession local() {
        return SparkSession.builder().master("local[2]").appName("ringmem-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** {@code (id string, text string)}. */
    static StructType textSchema() {
        return DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, true),
                DataTypes.createStructField("text", DataTypes.StringType, true)));
    }

    static String tinyStories() {
        return TestData.tinystories656k().toString();
    }

    /** The reference entry {@code tinystories656k_512}: ids, nll, mean_nll. */
    static JsonNode reference() {
        try {
            return new ObjectMapper().readTree(TestData.reference().toFile()).get("tinystories656k_512");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    /** An {@code array<int>} cell: a Scala Seq, which every Spark code path accepts in a Row. */
    static ArraySeq<Integer> boxed(int... a) {
        return ArraySeq.unsafeWrapArray(Arrays.stream(a).boxed().toArray(Integer[]::new));
    }

    static Map<String, Row> byId(List<Row> rows) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : rows) m.put(r.getAs("id"), r);
        return m;
    }
}
