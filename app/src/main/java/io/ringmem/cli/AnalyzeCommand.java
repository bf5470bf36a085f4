package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.RingmemException;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobState;
import io.ringmem.backend.Backend;
import io.ringmem.coordinator.ApiException;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.JobRecord;
import io.ringmem.coordinator.RunnerSettings;
import io.ringmem.embedded.EmbeddedCluster;
import io.ringmem.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ringmem analyze}: the whole system in this JVM (embedded Hazelcast member, coordinator, P workers over
 * loopback TCP) on local files; progress on stderr, a JSON report and optional NLL plots.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyze documents with an embedded cluster: per-document NLL/perplexity (and embeddings), report and plot.")
final class AnalyzeCommand implements Callable<Integer> {
    /** Local files: no cap on a document's or the job's tokens (the heap estimate refuses what cannot fit). */
    static final JobLimits LOCAL_LIMITS = new JobLimits(Integer.MAX_VALUE, JobLimits.DEFAULT_MAX_DOCUMENTS, 64,
            JobLimits.DEFAULT_MAX_NEW_TOKENS, Long.MAX_VALUE, JobLimits.DEFAULT_MAX_SEGMENT_TOKENS, JobLimits.DEFAULT_MAX_RETRIEVE_TOP_K);

    @Mixin
    ServeModelOptions model;

    @Parameters(paramLabel = "FILES", arity = "1..*", description = "UTF-8 text files")
    List<Path> files;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "P",
            description = "in-process workers = ring size (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--task", defaultValue = "score", split = ",", paramLabel = "score,embed",
            description = "score, embed or both (default: ${DEFAULT-VALUE})")
    List<String> tasks;

    @Mixin
    SegmentSettingsOptions segmentSettings;

    @Option(names = "--out", paramLabel = "report.json", description = "write the JSON report here (default: stdout)")
    Path out;

    @Option(names = "--plot", paramLabel = "loss.png", description = "write a PNG of NLL along each document")
    Path plot;

    @Option(names = "--token-nll", description = "include per-token NLL in the report")
    boolean tokenNll;

    @Option(names = "--ids", description = "FILES hold whitespace-separated token ids (as score --tokens), used as they are")
    boolean idFiles;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (workers < 1 || workers > 64) throw new RingmemException("--workers must be in 1..64, got " + workers);
        segmentSettings.config(); // bad segment options fail before the model loads
        List<DocumentInput> docs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            String id = DocumentIds.of(f);
            if (ids.contains(id)) id = id + "-" + ids.size();
            ids.add(id);
            try {
                docs.add(idFiles ? DocumentInput.tokens(id, TokenInput.fromIds(f, Integer.MAX_VALUE)) // the job checks the vocabulary
                        : DocumentInput.text(id, Files.readString(f, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new RingmemException("cannot read " + f + ": " + e.getMessage());
            }
        }
        JobRequest request = request(docs);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        ObjectMapper json = new ObjectMapper();
        long t0 = System.nanoTime();
        try (LoadedModel loaded = model.load(err); Backend backend = model.createBackend(threads, err)) {
            ProgressLine progress = new ProgressLine(err, t0);
            try (EmbeddedCluster cluster = EmbeddedCluster.start(model.modelName(), model.llama(loaded, backend), loaded.tokenizer(),
                    workers, model.blockTokens, LOCAL_LIMITS,
                    RunnerSettings.defaults(), progress::log, progress::update)) {
                err.printf("ringmem: embedded cluster up: %d worker(s) on loopback TCP, %d kernel thread(s) each%n", workers, threads);
                err.println("ringmem: embedded mode: jobs run in-process with no REST API, so no API keys are used");
                String id;
                try {
                    id = cluster.service().submit(request).id(); // validation: bad settings, a document over the heap (413)
                } catch (ApiException e) {
                    throw new RingmemException(e.getMessage());
                }
                JobRecord done = progress.awaitFinished(cluster.service(), id);
                progress.end();
                if (done.state() != JobState.SUCCEEDED) {
                    throw new RingmemException("analysis " + done.state().name().toLowerCase(Locale.ROOT)
                            + (done.error() == null ? "" : ": " + done.error()));
                }
                JsonNode result = json.valueToTree(cluster.service().result(id));
                for (JsonNode d : result.path("documents")) { // once per document, also in the report's "warnings"
                    for (JsonNode w : d.path("warnings")) err.println("ringmem: warning: '" + d.path("id").asText() + "': " + w.asText());
                }
                ObjectNode report = Report.of(json, result, model.modelName(), tokenNll);
                ObjectNode jvm = report.putObject("jvm"); // this one JVM holds the whole cluster: store, workers, coordinator
                jvm.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
                jvm.put("peakHeapBytes", progress.peakHeap());
                jvm.put("peakRssBytes", ProgressLine.peakRss());
                jvm.put("cpuSeconds", ProgressLine.cpuSeconds());
                if (plot != null) Report.plots(result, plot, err);
                String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(report);
                if (out == null) {
                    spec.commandLine().getOut().println(text);
                } else {
                    Files.writeString(out, text + "\n");
                    err.println("ringmem: report written to " + out);
                }
            }
        }
        return 0;
    }

    /** The job this command submits for {@code docs}: task, ring size, segment settings, per-token NLL when needed. */
    JobRequest request(List<DocumentInput> docs) {
        return segmentSettings.applyTo(JobRequest.builder(task())).documents(docs).workers(workers)
                .tokenNll(plot != null || tokenNll).build();
    }

    private String task() {
        boolean score = false, embed = false;
        for (String t : tasks) {
            switch (t.trim().toLowerCase(Locale.ROOT)) {
                case "score" -> score = true;
                case "embed" -> embed = true;
                default -> throw new RingmemException("unknown --task '" + t + "': use score, embed or score,embed");
            }
        }
        return embed ? "embed" : "score"; // an embed job reports the scores too
    }
}
