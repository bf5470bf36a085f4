package io.ringmem.spark;

import io.ringmem.segment.SegmentConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Collects the settings of one analysis ({@link RingmemSpark#score} / {@link RingmemSpark#embed}); {@link #run} checks
 * them and the input columns on the driver and returns the lazily evaluated result DataFrame ({@link ResultSchema}).
 * Segment settings left unset take {@link SegmentConfig}'s defaults, the same as the CLI's and the REST API's.
 * A builder is not thread-safe; the DataFrame it returns is an ordinary Spark DataFrame.
 */
public final class RingmemAnalysis {
    private final Dataset<Row> input;
    private final AnalysisTask task;
    private final SegmentConfig.Builder segment = SegmentConfig.builder();
    private String idColumn = "id", textColumn, tokensColumn, model, tokenizer, kernels = "vector";
    private Execution execution = Execution.LOCAL;
    private boolean tokenNll;
    private int maxDocumentTokens = AnalysisSpec.DEFAULT_MAX_DOCUMENT_TOKENS, threads, blockTokens = AnalysisSpec.DEFAULT_BLOCK_TOKENS;
    private int ringSize = 2;
    private String serviceUrl, apiKey;
    private int maxInFlight = ServiceSettings.DEFAULT_MAX_IN_FLIGHT, maxAttempts = ServiceSettings.DEFAULT_MAX_ATTEMPTS;
    private Duration jobTimeout = ServiceSettings.DEFAULT_JOB_TIMEOUT;
    private String hubCache;
    private URI hubEndpoint;

    RingmemAnalysis(Dataset<Row> input, AnalysisTask task) {
        if (input == null) throw new IllegalArgumentException("the input DataFrame is null");
        this.input = input;
        this.task = task;
    }

    /** The column naming each document (any type, used as its string form; default {@code id}). */
    public RingmemAnalysis idColumn(String name) {
        idColumn = name;
        return this;
    }

    /** A string column of documents, tokenized with the model's tokenizer, BOS added (default {@code text}). */
    public RingmemAnalysis textColumn(String name) {
        textColumn = name;
        tokensColumn = null;
        return this;
    }

    /** An {@code array<int>} column of token ids, used as given (no BOS added); replaces the text column. */
    public RingmemAnalysis tokensColumn(String name) {
        tokensColumn = name;
        textColumn = null;
        return this;
    }

    /** A model every executor can read (GGUF file, llama2.c checkpoint, Hugging Face folder); {@code hf:ORG/NAME} in service. */
    public RingmemAnalysis model(String pathOrHub) {
        model = pathOrHub;
        return this;
    }

    /** The tokenizer file of a llama2.c checkpoint (default: beside the model). */
    public RingmemAnalysis tokenizer(String path) {
        tokenizer = path;
        return this;
    }

    public RingmemAnalysis execution(Execution e) {
        execution = e;
        return this;
    }

    public RingmemAnalysis segmentTokens(int n) {
        segment.segmentTokens(n);
        return this;
    }

    /** KV codec of stored blocks: none, int8, int4, int2 (default int8). */
    public RingmemAnalysis kvCodec(String codec) {
        segment.codec(codec);
        return this;
    }

    public RingmemAnalysis retrieveTopK(int k) {
        segment.retrieveTopK(k);
        return this;
    }

    public RingmemAnalysis sinkTokens(int n) {
        segment.sinkTokens(n);
        return this;
    }

    public RingmemAnalysis windowTokens(int n) {
        segment.windowTokens(n);
        return this;
    }

    public RingmemAnalysis kvBlockTokens(int n) {
        segment.blockTokens(n);
        return this;
    }

    public RingmemAnalysis kvKeepRatio(double r) {
        segment.keepRatio(r);
        return this;
    }

    public RingmemAnalysis memoryTokens(boolean use) {
        segment.memoryTokens(use);
        return this;
    }

    /** Adds the {@code nll array<float>} column (N - 1 values per document). */
    public RingmemAnalysis tokenNll(boolean on) {
        tokenNll = on;
        return this;
    }

    /** Longer documents get a row error (default 4,000,000, the coordinator's default). */
    public RingmemAnalysis maxDocumentTokens(int n) {
        maxDocumentTokens = n;
        return this;
    }

    /** Backend of the local and ring executions: vector (default) or scalar. */
    public RingmemAnalysis kernels(String name) {
        kernels = name;
        return this;
    }

    /** Kernel threads of the model in each executor JVM (default: its available processors). */
    public RingmemAnalysis threads(int n) {
        threads = n;
        return this;
    }

    public RingmemAnalysis blockTokens(int n) {
        blockTokens = n;
        return this;
    }

    /** P of the ring execution: the barrier tasks (executor slots) one document is spread over (default 2). */
    public RingmemAnalysis ringSize(int p) {
        ringSize = p;
        return this;
    }

    /** The coordinator of the service execution, e.g. {@code http://ringmem:8080}. */
    public RingmemAnalysis serviceUrl(String url) {
        serviceUrl = url;
        return this;
    }

    /** An API key sent to the coordinator as {@code Authorization: Bearer KEY}. */
    public RingmemAnalysis apiKey(String key) {
        apiKey = key;
        return this;
    }

    /** Reads the API key from a file on the driver (first line, trimmed). */
    public RingmemAnalysis apiKeyFile(String path) {
        try {
            apiKey = Files.readString(Path.of(path), StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API key file " + path + ": " + e.getMessage());
        }
        return this;
    }

    /** Documents one task keeps submitted at once in the service execution (default 4). */
    public RingmemAnalysis maxInFlight(int n) {
        maxInFlight = n;
        return this;
    }

    /** Tries per request on transient failures in the service execution (default 5). */
    public RingmemAnalysis maxAttempts(int n) {
        maxAttempts = n;
        return this;
    }

    public RingmemAnalysis jobTimeout(Duration d) {
        jobTimeout = d;
        return this;
    }

    /**
     * The folder where {@code hf:ORG/NAME} models are cached on every executor (local and ring executions; the CLI's
     * layout, e.g. {@code ~/.cache/ringmem}); a model not completely there is downloaded into it on first use.
     */
    public RingmemAnalysis hubCache(String folder) {
        hubCache = folder;
        return this;
    }

    /** The hub {@code hf:} models are downloaded from (default https://huggingface.co). */
    public RingmemAnalysis hubEndpoint(String url) {
        try {
            hubEndpoint = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hubEndpoint must be an http(s) URL, got '" + url + "'");
        }
        return this;
    }

    /** The settings as the executors get them; IllegalArgumentException naming the bad setting. */
    AnalysisSpec spec() {
        ServiceSettings service = execution == Execution.SERVICE
                ? new ServiceSettings(serviceUrl, apiKey, maxInFlight, maxAttempts, jobTimeout) : null;
        HubSettings hub = model != null && model.startsWith("hf:") && execution != Execution.SERVICE && hubCache != null
                ? new HubSettings(hubCache, hubEndpoint) : null;
        return new AnalysisSpec(task, execution, model, tokenizer, segment.build(), tokenNll, maxDocumentTokens, kernels, threads,
                blockTokens, ringSize, service, hub);
    }

    /**
     * Checks the settings and columns (IllegalArgumentException with one clear message) and returns the result: one row
     * per input row, lazily computed like any DataFrame.
     */
    public Dataset<Row> run() {
        AnalysisSpec spec = spec();
        InputColumns columns = new InputColumns(idColumn, tokensColumn == null && textColumn == null ? "text" : textColumn, tokensColumn);
        Dataset<Row> docs = columns.select(input);
        return switch (execution) {
            case LOCAL -> docs.mapPartitions(new LocalAnalysis(spec, columns.tokens()), Encoders.row(ResultSchema.of(spec)));
            case SERVICE -> docs.mapPartitions(new ServiceAnalysis(spec, columns.tokens()), Encoders.row(ResultSchema.of(spec)));
            case RING -> RingAnalysis.run(docs, spec, columns.tokens());
        };
    }
}
