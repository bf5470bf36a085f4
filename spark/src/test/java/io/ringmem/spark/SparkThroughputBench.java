package io.ringmem.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.ringmem.segment.SegmentedScorer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Benchmark, not a check (slow profile: {@code ./mvnw -Pslow -o -pl spark -am verify -Dtest=SparkThroughputBench
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dringmem.testdata=../shared}): documents/s and tokens/s of the
 * in-process segment scorer (what {@code ringmem score --mode segments} runs per document; 2 kernel threads, documents
 * one after the other) against Spark's local execution on {@code local[2]} (2 partitions, 1 kernel thread each) and
 * the ring execution (P = 2), on the same documents in the same run; and Spark's overhead per job (a 2-token document
 * with the model cached); and {@code ringmem analyze} (its own JVM) against the local execution over the same documents
 * as text. Writes {@code target/spark-bench.json} and prints it.
 */
@Tag("slow")
class SparkThroughputBench {
    private static final int DOCS = 16, REPEATS = 3;

    @Test
    void localExecutionVersusInProcessScorer() throws Exception {
        int[] ids = SparkTests.ints(SparkTests.reference().get("ids")); // 512 tokens
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, true),
                DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType, true), true)));
        long tokens = (long) DOCS * ids.length;

        double inProcess = Double.MAX_VALUE;
        Path inputs = Files.createDirectories(Path.of("target", "spark-bench-input"));
        List<String> texts = new ArrayList<>();
        try (LoadedModel m = ModelLoader.load(Path.of(SparkTests.tinyStories()), null);
             Backend b = Backends.discover().create("vector", new BackendSettings(2))) {
            LlamaModel llama = new LlamaModel(m.config(), m.weights(), b);
            String text = m.tokenizer().decode(ids); // the same documents as text, for ringmem analyze and the text column
            for (int d = 0; d < DOCS; d++) {
                texts.add(text);
                Files.writeString(inputs.resolve("d" + d + ".txt"), text);
            }
            RunConfig run = new RunConfig(1, ShardSchedule.ZIGZAG, 256, Duration.ofMinutes(1));
            for (int rep = 0; rep <= REPEATS; rep++) { // the first round warms up
                long t0 = System.nanoTime();
                for (int d = 0; d < DOCS; d++) {
                    new SegmentedScorer(llama, run, SegmentConfig.builder().build(), new InMemoryKvBlockStore(m.config().layers()))
                            .score(ids, s -> { });
                }
                if (rep > 0) inProcess = Math.min(inProcess, (System.nanoTime() - t0) / 1e9);
            }
        }

        SparkSession spark = SparkTests.local();
        try {
            List<Row> rows = new ArrayList<>();
            for (int d = 0; d < DOCS; d++) rows.add(RowFactory.create("d" + d, SparkTests.boxed(ids)));
            Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2).cache();
            df.count();
            double local = best(() -> assertEquals(DOCS, RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories())
                    .threads(1).run().filter("error IS NULL").count()));
            List<Row> textRows = new ArrayList<>();
            for (int d = 0; d < DOCS; d++) textRows.add(RowFactory.create("d" + d, texts.get(d)));
            Dataset<Row> textDf = spark.createDataFrame(textRows, SparkTests.textSchema()).repartition(2).cache();
            textDf.count();
            double localText = best(() -> assertEquals(DOCS, RingmemSpark.score(textDf).model(SparkTests.tinyStories())
                    .threads(1).run().filter("error IS NULL").count()));
            double analyze = analyzeSeconds(inputs);
            Dataset<Row> one = spark.createDataFrame(List.of(RowFactory.create("r", SparkTests.boxed(ids))), schema).cache();
            one.count();
            double ring = best(() -> RingmemSpark.score(one).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                    .execution(Execution.RING).ringSize(2).run().count());
            double ringOne = best(() -> RingmemSpark.score(one).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                    .execution(Execution.RING).ringSize(1).run().count());
            Dataset<Row> tiny = spark.createDataFrame(List.of(RowFactory.create("t", SparkTests.boxed(1, 2))), schema).cache();
            tiny.count();
            double overhead = best(() -> RingmemSpark.score(tiny).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                    .run().count());

            ObjectMapper json = new ObjectMapper();
            ObjectNode o = json.createObjectNode().put("bench", "spark").put("documents", DOCS).put("tokensPerDocument", ids.length)
                    .put("cores", Runtime.getRuntime().availableProcessors());
            o.put("inProcessSeconds", inProcess).put("inProcessDocsPerSecond", DOCS / inProcess)
                    .put("inProcessTokensPerSecond", tokens / inProcess);
            o.put("sparkLocalSeconds", local).put("sparkLocalDocsPerSecond", DOCS / local).put("sparkLocalTokensPerSecond", tokens / local)
                    .put("sparkLocalOverInProcess", inProcess / local);
            o.put("sparkLocalTextSeconds", localText).put("analyzeSeconds", analyze)
                    .put("analyzeDocsPerSecond", DOCS / analyze).put("sparkLocalTextOverAnalyze", analyze / localText);
            o.put("ringP2Seconds", ring).put("ringP1Seconds", ringOne).put("ringP2TokensPerSecond", ids.length / ring);
            o.put("sparkJobOverheadSeconds", overhead);
            String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(o);
            Files.writeString(Path.of("target", "spark-bench.json"), text);
            System.out.println(text);
        } finally {
            spark.stop();
        }
    }

    /**
     * Fastest of {@link #REPEATS} runs of {@code ringmem analyze} over the text files (app/target/ringmem.jar in its own JVM,
     * one worker with 2 kernel threads: what a user runs on one machine; JVM start and the embedded cluster included).
     */
    private static double analyzeSeconds(Path inputs) throws Exception {
        List<String> cmd = SparkPaths.ringmemCommand("1g");
        cmd.addAll(List.of("analyze", "--model", SparkTests.tinyStories(), "--workers", "1", "--threads", "2", "--out",
                Path.of("target", "spark-bench-analyze.json").toString()));
        for (int d = 0; d < DOCS; d++) cmd.add(inputs.resolve("d" + d + ".txt").toString());
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep <= REPEATS; rep++) {
            long t0 = System.nanoTime();
            Path log = Path.of("target", "spark-bench-analyze.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertEquals(0, p.waitFor(), "ringmem analyze exit status (target/spark-bench-analyze.log)");
            if (rep > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Fastest of {@link #REPEATS} runs after one warm-up run, seconds. */
    private static double best(Runnable job) {
        job.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            job.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }
}
