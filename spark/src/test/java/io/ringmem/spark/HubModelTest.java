package io.ringmem.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hf:ORG/NAME} models in the local and ring executions, from a cache folder filled beforehand in the CLI's
 * layout ({@code ROOT/hf/ORG/NAME/main/} with its completion marker): the hub endpoint is a closed loopback port, so
 * any network use would fail the job. The scores equal those of the same model given by path, bit for bit; a model
 * not in the cache fails the job with the download's error.
 */
class HubModelTest {
    private static final String NO_HUB = "http://127.0.0.1:9"; // discard port: nothing listens
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
    void cachedHubModelEqualsTheSameModelByPath(@TempDir Path cache) throws IOException {
        fill(cache, "ringmem-test", "tinystories-656k", Path.of(SparkTests.tinyStories()));
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("a", "Once upon a time there was a little dog."),
                RowFactory.create("b", "The cat sat in the sun and slept all day long.")), SparkTests.textSchema());
        for (Execution e : List.of(Execution.LOCAL, Execution.RING)) {
            Map<String, Row> byPath = SparkTests.byId(RingmemSpark.score(df).model(SparkTests.tinyStories()).threads(1).execution(e)
                    .run().collectAsList());
            Map<String, Row> byName = SparkTests.byId(RingmemSpark.score(df).model("hf:ringmem-test/tinystories-656k").threads(1)
                    .hubCache(cache.toString()).hubEndpoint(NO_HUB).execution(e).run().collectAsList());
            for (String id : List.of("a", "b")) {
                assertNull(byName.get(id).getAs("error"), e + " " + id);
                assertEquals((int) byPath.get(id).getAs("tokens"), (int) byName.get(id).getAs("tokens"), e + " " + id);
                assertEquals(byPath.get(id).<Double>getAs("meanNll"), byName.get(id).<Double>getAs("meanNll"), 0.0, e + " " + id);
            }
        }
        SparkException missing = assertThrows(SparkException.class, () -> RingmemSpark.score(df).model("hf:ringmem-test/absent")
                .threads(1).hubCache(cache.toString()).hubEndpoint(NO_HUB).run().collectAsList());
        assertTrue(missing.getMessage().contains("ConnectException"), missing.getMessage());
    }

    /** A complete cached copy of {@code model} as the CLI leaves it: the files, then the marker listing them. */
    private static void fill(Path root, String org, String name, Path model) throws IOException {
        Path dir = Files.createDirectories(root.resolve("hf").resolve(org).resolve(name).resolve("main"));
        Map<String, Long> files = new HashMap<>();
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
                files.put(f.getFileName().toString(), Files.size(f));
            }
        }
        Map<String, Object> marker = new HashMap<>();
        marker.put("repo", org + "/" + name);
        marker.put("revision", "main");
        marker.put("commit", null);
        marker.put("files", files);
        marker.put("load", "");
        new ObjectMapper().writeValue(dir.resolve(".ringmem-complete.json").toFile(), marker);
    }
}
