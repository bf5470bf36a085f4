package io.ringmem.spark;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The {@code spark-submit} job: reads documents ({@link JobInput}), analyzes them with {@link RingmemSpark} and writes
 * one row per document as Parquet or JSON lines.
 * <pre>
 * spark-submit --class io.ringmem.spark.AnalyzeJob ringmem-spark.jar --input docs/ --output out.parquet \
 *     --model /models/tinystories-656k --task score --execution local
 * </pre>
 * Exit status 0 when the job ran (rows that failed are counted and kept, with their error), 1 for an error the user can
 * fix (one line on stderr), 2 for a malformed command line.
 */
@Command(name = "AnalyzeJob", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Analyze documents with Ringmem on Spark: per-document NLL, perplexity (and embeddings) as Parquet or JSON.")
public final class AnalyzeJob implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "a folder of UTF-8 text files (one document each, id = file name), JSON lines, or Parquet")
    String input;

    @Option(names = "--input-format", defaultValue = "auto", paramLabel = "auto|text|json|parquet",
            description = "default: by extension (.json/.jsonl: json, .parquet: parquet, else text)")
    String inputFormat;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "where the result is written")
    String output;

    @Option(names = "--output-format", defaultValue = "parquet", paramLabel = "parquet|json", description = "default: ${DEFAULT-VALUE}")
    String outputFormat;

    @Option(names = "--overwrite", description = "replace an existing output")
    boolean overwrite;

    @Option(names = "--model", paramLabel = "PATH|hf:ORG/NAME",
            description = "a model every executor can read (local, ring); optional for service (the served model)")
    String model;

    @Option(names = "--hub-cache", paramLabel = "DIR",
            description = "local, ring: where hf: models are cached on every executor (the CLI's layout, e.g. ~/.cache/ringmem)")
    String hubCache;

    @Option(names = "--hub-endpoint", paramLabel = "URL", description = "local, ring: the hub hf: models come from (default: "
            + "https://huggingface.co)")
    String hubEndpoint;

    @Option(names = "--task", defaultValue = "score", paramLabel = "score|embed", description = "default: ${DEFAULT-VALUE}")
    String task;

    @Option(names = "--execution", defaultValue = "local", paramLabel = "local|service|ring", description = "default: ${DEFAULT-VALUE}")
    String execution;

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME", description = "json/parquet input (default: ${DEFAULT-VALUE})")
    String idColumn;

    @Option(names = "--text-column", paramLabel = "NAME", description = "json/parquet input (default: text)")
    String textColumn;

    @Option(names = "--tokens-column", paramLabel = "NAME", description = "json/parquet input: token ids instead of text")
    String tokensColumn;

    @CommandLine.Mixin
    JobSettings settings;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the job in this JVM's Spark session; returns the exit status. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new AnalyzeJob());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof AnalysisException)) throw e;
            cmd.getErr().println("ringmem-spark: error: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        AnalysisTask t = switch (task.toLowerCase(Locale.ROOT)) {
            case "score" -> AnalysisTask.SCORE;
            case "embed" -> AnalysisTask.EMBED;
            default -> throw new IllegalArgumentException("unknown --task '" + task + "': use score or embed");
        };
        Execution e = switch (execution.toLowerCase(Locale.ROOT)) {
            case "local" -> Execution.LOCAL;
            case "service" -> Execution.SERVICE;
            case "ring" -> Execution.RING;
            default -> throw new IllegalArgumentException("unknown --execution '" + execution + "': use local, service or ring");
        };
        String format = outputFormat.toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !format.equals("json")) {
            throw new IllegalArgumentException("unknown --output-format '" + outputFormat + "': use parquet or json");
        }
        SparkSession spark = SparkSession.builder().appName("ringmem-analyze").getOrCreate();
        JobInput in = JobInput.read(spark, input, inputFormat);
        RingmemAnalysis analysis = (t == AnalysisTask.SCORE ? RingmemSpark.score(in.documents()) : RingmemSpark.embed(in.documents()))
                .idColumn(in.textFiles() ? "id" : idColumn).model(model).execution(e)
                .hubCache(hubCache).hubEndpoint(hubEndpoint);
        if (tokensColumn != null) {
            analysis.tokensColumn(tokensColumn);
        } else {
            analysis.textColumn(in.textFiles() || textColumn == null ? "text" : textColumn);
        }
        settings.applyTo(analysis);
        Dataset<Row> result = analysis.run().cache();
        result.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).format(format).save(output);
        long rows = result.count(), failed = result.filter("error IS NOT NULL").count();
        err.printf("ringmem-spark: %d document(s) analyzed, %d with an error, written to %s (%s)%n", rows, failed, output, format);
        result.unpersist();
        return 0;
    }
}
