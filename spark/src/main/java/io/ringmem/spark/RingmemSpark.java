package io.ringmem.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The entry point of the DataFrame API:
 * <pre>{@code
 * Dataset<Row> out = RingmemSpark.score(docs).idColumn("id").textColumn("text")
 *         .model("/models/tinystories-656k").segmentTokens(2048).kvCodec("int8")
 *         .execution(Execution.LOCAL).run();
 * }</pre>
 * The result has one row per input row (see {@link ResultSchema}); a row that cannot be analyzed has its reason in
 * {@code error} and nulls in the numbers. docs/spark.md lists every setting.
 */
public final class RingmemSpark {
    private RingmemSpark() {
    }

    /** Per-document NLL, perplexity and segment-mode statistics. */
    public static RingmemAnalysis score(Dataset<Row> documents) {
        return new RingmemAnalysis(documents, AnalysisTask.SCORE);
    }

    /** As {@link #score}, plus {@code embedding}: the mean-pooled final hidden state of each document. */
    public static RingmemAnalysis embed(Dataset<Row> documents) {
        return new RingmemAnalysis(documents, AnalysisTask.EMBED);
    }
}
