package io.ringmem.spark;

import picocli.CommandLine.Option;

/** {@link AnalyzeJob}'s analysis settings: unset ones keep {@link RingmemAnalysis}'s (and SegmentConfig's) defaults. */
final class JobSettings {
    @Option(names = "--segment-tokens", paramLabel = "S", description = "segment length (default 2048)")
    Integer segmentTokens;

    @Option(names = "--kv-codec", paramLabel = "none|int8|int4|int2", description = "codec of stored KV blocks (default int8)")
    String kvCodec;

    @Option(names = "--retrieve-top-k", paramLabel = "K", description = "retrieved blocks per query chunk (default 4)")
    Integer retrieveTopK;

    @Option(names = "--sink-tokens", paramLabel = "N", description = "attention sinks (default 4)")
    Integer sinkTokens;

    @Option(names = "--window-tokens", paramLabel = "N", description = "exact tail of the previous segment (default min(512, S/4))")
    Integer windowTokens;

    @Option(names = "--kv-block-tokens", paramLabel = "N", description = "tokens per stored block (default 64)")
    Integer kvBlockTokens;

    @Option(names = "--token-nll", description = "add the per-token NLL column")
    boolean tokenNll;

    @Option(names = "--max-document-tokens", paramLabel = "N", description = "longer documents get a row error (default 4000000)")
    Integer maxDocumentTokens;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads per executor JVM (default: its processors)")
    Integer threads;

    @Option(names = "--service-url", paramLabel = "URL", description = "service: the coordinator, e.g. http://ringmem:8080")
    String serviceUrl;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "service: a file holding the API key")
    String apiKeyFile;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "service: documents in flight per task (default 4)")
    Integer maxInFlight;

    @Option(names = "--ring-size", paramLabel = "P", description = "ring: executors per document (default 2)")
    Integer ringSize;

    void applyTo(RingmemAnalysis a) {
        if (segmentTokens != null) a.segmentTokens(segmentTokens);
        if (kvCodec != null) a.kvCodec(kvCodec);
        if (retrieveTopK != null) a.retrieveTopK(retrieveTopK);
        if (sinkTokens != null) a.sinkTokens(sinkTokens);
        if (windowTokens != null) a.windowTokens(windowTokens);
        if (kvBlockTokens != null) a.kvBlockTokens(kvBlockTokens);
        a.tokenNll(tokenNll);
        if (maxDocumentTokens != null) a.maxDocumentTokens(maxDocumentTokens);
        if (threads != null) a.threads(threads);
        if (serviceUrl != null) a.serviceUrl(serviceUrl);
        if (apiKeyFile != null) a.apiKeyFile(apiKeyFile);
        if (maxInFlight != null) a.maxInFlight(maxInFlight);
        if (ringSize != null) a.ringSize(ringSize);
    }
}
