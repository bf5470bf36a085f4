package io.ringmem.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The ring execution (not implemented yet). */
final class RingAnalysis {
    private RingAnalysis() {
    }

    static Dataset<Row> run(Dataset<Row> docs, AnalysisSpec spec, boolean tokens) {
        throw new UnsupportedOperationException("the ring execution is not implemented yet");
    }
}
