package io.ringmem.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.SparkStageInfo;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Fault injection on a real standalone cluster (in the default suite; alone: {@code ./mvnw -o -pl spark -am verify
 * -Dit.test=ExecutorKillIT -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dringmem.testdata=../shared}): one executor JVM is killed with SIGKILL
 * while the ring execution's barrier stage runs; Spark retries the whole stage on a replacement executor and the
 * output is identical to an undisturbed run of the same job.
 */
class ExecutorKillIT {
    private static final StructType ROWS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("ids", DataTypes.createArrayType(DataTypes.IntegerType, true), true)));
    private static StandaloneCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        cluster = StandaloneCluster.start(2, "2g");
        String javaOptions = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";
        spark = SparkSession.builder().master(cluster.masterUrl()).appName("ringmem-executor-kill-it")
                .config("spark.jars", Path.of("target", "ringmem-spark.jar").toAbsolutePath().toString())
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.cores", "1")
                .config("spark.executor.memory", "768m")
                .config("spark.cores.max", "2")
                .config("spark.executor.extraJavaOptions", javaOptions)
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
        if (cluster != null) cluster.close();
    }

    @Test
    void killedExecutorMidRingStageGivesTheSameOutput() throws Exception {
        JsonNode ref = SparkTests.reference();
        int[] ids = SparkTests.ints(ref.get("ids"));
        List<Row> input = new ArrayList<>();
        // enough work that the barrier stage lasts seconds: 64 documents of 256 to 512 tokens, each over the TCP ring
        for (int i = 0; i < 64; i++) input.add(RowFactory.create("doc-" + i, SparkTests.boxed(Arrays.copyOf(ids, 512 - 4 * i))));
        Dataset<Row> df = spark.createDataFrame(input, ROWS);
        RingmemAnalysis ring = RingmemSpark.score(df).tokensColumn("ids").model(SparkTests.tinyStories()).threads(1).tokenNll(true)
                .execution(Execution.RING).ringSize(2);
        List<Row> undisturbed = ring.run().collectAsList();

        List<Row> after = null;
        for (int attempt = 0; attempt < 3 && after == null; attempt++) { // a run that ends before the kill lands is run again
            CompletableFuture<List<Row>> job = CompletableFuture.supplyAsync(() -> ring.run().collectAsList());
            boolean killed = killOneExecutorDuringTheRingStage(job);
            List<Row> rows;
            try {
                rows = job.get(240, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the job did not recover; cluster logs:\n" + cluster.logs(), e);
            }
            if (killed) after = rows;
        }
        assertNotNull(after, "the ring stage was never seen running on both executors in 3 runs");
        assertEquals(undisturbed.size(), after.size());
        for (int i = 0; i < after.size(); i++) {
            Row a = undisturbed.get(i), b = after.get(i);
            String id = a.getAs("id");
            assertEquals(id, b.<String>getAs("id"));
            assertNull(b.getAs("error"));
            assertEquals(a.<Double>getAs("meanNll"), b.<Double>getAs("meanNll"), 0.0, id);
            assertEquals(a.getList(a.fieldIndex("nll")), b.getList(b.fieldIndex("nll")), id);
        }
    }

    /** Waits for the ring stage to run on both executors, then SIGKILLs one executor JVM; false if the job ended first. */
    private static boolean killOneExecutorDuringTheRingStage(CompletableFuture<List<Row>> job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!job.isDone() && System.nanoTime() < deadline) {
            for (int stage : spark.sparkContext().statusTracker().getActiveStageIds()) {
                SparkStageInfo s = spark.sparkContext().statusTracker().getStageInfo(stage).getOrElse(() -> null);
                if (s != null && s.name().contains("RingAnalysis") && s.numTasks() == 2 && s.numActiveTasks() == 2) {
                    List<ProcessHandle> executors = cluster.executors();
                    Thread.sleep(300); // the ranks are inside the ring
                    if (job.isDone()) return false;
                    executors.get(0).destroyForcibly(); // SIGKILL
                    return true;
                }
            }
            Thread.sleep(20);
        }
        return false;
    }
}
