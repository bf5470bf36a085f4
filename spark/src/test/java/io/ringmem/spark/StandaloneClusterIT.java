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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local execution on a real standalone cluster: Master, Worker and two executors as separate JVMs on 127.0.0.1 (see
 * {@link StandaloneCluster}), the driver in this JVM, the code shipped to the executors only as
 * {@code target/ringmem-spark.jar} (spark.jars). The local execution equals the same documents analyzed in this JVM,
 * exactly; the ring execution over the two executor JVMs equals one rank (1e-5) and the Hugging Face reference (1e-4).
 */
class StandaloneClusterIT {
    private static final StructType ROWS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType, true), true)));
    private static StandaloneCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of("target", "ringmem-spark.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: it is built in the package phase");
        cluster = StandaloneCluster.start(2, "2g");
        spark = SparkSession.builder().master(cluster.masterUrl()).appName("ringmem-standalone-it")
                .config("spark.jars", jar.toString())
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.cores", "1")
                .config("spark.executor.memory", "768m")
                .config("spark.cores.max", "2")
                .config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED")
                .getOrCreate();
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) spark.stop();
        if (cluster != null) cluster.close();
    }

    @Test
    void localExecutionOnExecutorJvmsEqualsThisJvm() throws Exception {
        JsonNode ref = SparkTests.reference();
        int[] ids = SparkTests.ints(ref.get("ids"));
        List<Row> input = new ArrayList<>();
        for (int i = 0; i < 4; i++) input.add(RowFactory.create("doc-" + i, SparkTests.boxed(Arrays.copyOf(ids, 128 + 64 * i))));
        input.add(RowFactory.create("bad", SparkTests.boxed(7)));
        Dataset<Row> df = spark.createDataFrame(input, ROWS).repartition(2);
        RingmemAnalysis analysis = RingmemSpark.embed(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1)
                .segmentTokens(128).tokenNll(true);
        Map<String, Row> rows;
        try {
            rows = SparkTests.byId(analysis.run().collectAsList());
        } catch (RuntimeException e) {
            throw new AssertionError("job failed; cluster logs:\n" + cluster.logs(), e);
        }
        assertEquals(5, rows.size());
        assertEquals("the document has 1 token(s); scoring needs at least 2", rows.get("bad").getAs("error"));

        AnalysisSpec spec = analysis.spec();
        ExecutorModel here = ExecutorModels.get(spec);
        for (Row in : input.subList(0, 4)) {
            String id = in.getString(0);
            int[] docIds = in.<Integer>getList(1).stream().mapToInt(Integer::intValue).toArray();
            DocumentOutcome expected = LocalAnalysis.analyze(here, spec, new InputDocument(id, null, docIds, null));
            Row r = rows.get(id);
            assertNull(r.getAs("error"), id);
            assertEquals(expected.meanNll(), r.getAs("meanNll"), 0.0, id);
            assertEquals(expected.segments(), r.getAs("segments"), id);
            assertEquals(expected.storeBytes(), r.getAs("storeBytes"), id);
            List<Float> nll = r.getList(r.fieldIndex("nll")), embedding = r.getList(r.fieldIndex("embedding"));
            for (int i = 0; i < nll.size(); i++) assertEquals(expected.nll()[i], nll.get(i), 0f, id + " nll " + i);
            for (int d = 0; d < embedding.size(); d++) assertEquals(expected.embedding()[d], embedding.get(d), 0f, id + " embedding " + d);
        }
        Row first = rows.get("doc-0"); // 128 tokens, one segment: exact, the Hugging Face reference
        List<Float> nll = first.getList(first.fieldIndex("nll"));
        for (int i = 0; i < nll.size(); i++) assertEquals(ref.get("nll").get(i).asDouble(), nll.get(i), 1e-4, "reference NLL " + i);
    }

    @Test
    void ringAcrossTwoExecutorJvmsEqualsOneRank() throws Exception {
        JsonNode ref = SparkTests.reference();
        int[] ids = SparkTests.ints(ref.get("ids"));
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("ref", SparkTests.boxed(ids))), ROWS);
        RingmemAnalysis ring = RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1).tokenNll(true)
                .execution(Execution.RING).ringSize(2);
        Row r;
        try {
            r = ring.run().collectAsList().get(0);
        } catch (RuntimeException e) {
            throw new AssertionError("ring job failed; cluster logs:\n" + cluster.logs(), e);
        }
        List<ProcessHandle> executors = cluster.executors();
        assertEquals(2, executors.size(), "executor JVMs under the worker (a barrier stage of 2 needs both)");
        for (ProcessHandle e : executors) assertTrue(e.pid() != ProcessHandle.current().pid());
        assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length, "driver + 2 executors");

        AnalysisSpec one = RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1).tokenNll(true)
                .spec(); // P = 1 in this JVM: the exact single-process prefill (one 2048-token segment holds the document)
        DocumentOutcome expected = LocalAnalysis.analyze(ExecutorModels.get(one), one, new InputDocument("ref", null, ids, null));
        assertNull(r.getAs("error"));
        assertEquals(expected.meanNll(), r.<Double>getAs("meanNll"), 1e-5);
        List<Float> nll = r.getList(r.fieldIndex("nll"));
        for (int i = 0; i < nll.size(); i++) {
            assertEquals(expected.nll()[i], nll.get(i), 1e-5, "nll " + i);
            assertEquals(ref.get("nll").get(i).asDouble(), nll.get(i), 1e-4, "reference nll " + i);
        }
    }
}
