package io.ringmem.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.util.Locale;

/**
 * {@link AnalyzeJob}'s input: a folder (or glob) of text files, one document per file with its file name as id
 * ({@code id, text}); JSON lines; or Parquet (their own columns).
 *
 * @param textFiles whether the documents came from text files (columns {@code id, text})
 */
record JobInput(Dataset<Row> documents, boolean textFiles) {
    static JobInput read(SparkSession spark, String path, String format) {
        String f = format.toLowerCase(Locale.ROOT);
        if (f.equals("auto")) {
            String p = path.toLowerCase(Locale.ROOT);
            f = p.endsWith(".json") || p.endsWith(".jsonl") ? "json" : p.endsWith(".parquet") ? "parquet" : "text";
        }
        return switch (f) {
            case "json" -> new JobInput(spark.read().json(path), false);
            case "parquet" -> new JobInput(spark.read().parquet(path), false);
            case "text" -> new JobInput(spark.read().option("wholetext", "true").text(path)
                    .select(functions.col("_metadata.file_name").as("id"), functions.col("value").as("text")), true);
            default -> throw new IllegalArgumentException("unknown --input-format '" + format + "': use auto, text, json or parquet");
        };
    }
}
