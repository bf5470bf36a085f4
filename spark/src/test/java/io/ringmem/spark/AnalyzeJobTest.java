package io.ringmem.spark;

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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spark-submit job's main logic in a local[2] session: text files and JSON lines in, Parquet and JSON out, equal
 * to the DataFrame API on the same documents; bad arguments give exit status 1 or 2.
 */
class AnalyzeJobTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkTests.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void textFilesToParquetEqualTheApi() throws IOException {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("a.txt"), "Once upon a time there was a little dog named Max.");
        Files.writeString(docs.resolve("b.txt"), "Lily liked to play in the park with her ball.");
        Files.writeString(docs.resolve("blank.txt"), " \n");
        Path out = dir.resolve("out.parquet");
        assertEquals(0, AnalyzeJob.run("--input", docs.toString(), "--output", out.toString(), "--model", SparkTests.tinyStories(),
                "--task", "embed", "--threads", "1", "--segment-tokens", "8"));
        Map<String, Row> rows = SparkTests.byId(spark.read().parquet(out.toString()).collectAsList());
        assertEquals(3, rows.size());
        assertEquals("the document is blank", rows.get("blank.txt").getAs("error"));

        var expected = spark.createDataFrame(List.of(
                RowFactory.create("a.txt", Files.readString(docs.resolve("a.txt")))),
                SparkTests.textSchema());
        Row api = RingmemSpark.embed(expected).model(SparkTests.tinyStories()).threads(1).segmentTokens(8).run().collectAsList().get(0);
        Row job = rows.get("a.txt");
        assertNull(job.getAs("error"));
        assertEquals((double) api.getAs("meanNll"), (double) job.getAs("meanNll"), 0.0);
        assertEquals((int) api.getAs("segments"), (int) job.getAs("segments"));
        assertEquals(api.getList(api.fieldIndex("embedding")), job.getList(job.fieldIndex("embedding")));
    }

    @Test
    void jsonLinesToJson() throws IOException {
        Path in = dir.resolve("docs.jsonl");
        Files.writeString(in, "{\"doc\": \"x1\", \"body\": \"The sun was shining.\"}\n{\"doc\": \"x2\", \"body\": null}\n");
        Path out = dir.resolve("out.json");
        assertEquals(0, AnalyzeJob.run("--input", in.toString(), "--output", out.toString(), "--output-format", "json",
                "--id-column", "doc", "--text-column", "body", "--model", SparkTests.tinyStories(), "--threads", "1", "--token-nll"));
        Map<String, Row> rows = SparkTests.byId(spark.read().json(out.toString()).collectAsList());
        assertNull(rows.get("x1").getAs("error"));
        assertTrue(rows.get("x1").getList(rows.get("x1").fieldIndex("nll")).size() > 2);
        assertEquals("the document is null", rows.get("x2").getAs("error"));
    }

    @Test
    void badArgumentsAreOneLine() {
        assertEquals(2, AnalyzeJob.run("--input", "x"));
        assertEquals(1, AnalyzeJob.run("--input", dir.resolve("none").toString(), "--output", dir.resolve("o").toString(),
                "--model", SparkTests.tinyStories(), "--task", "summarize"));
        assertEquals(1, AnalyzeJob.run("--input", dir.resolve("none").toString(), "--output", dir.resolve("o").toString(),
                "--model", SparkTests.tinyStories()));
    }
}
