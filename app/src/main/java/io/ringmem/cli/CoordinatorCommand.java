package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.coordinator.CoordinatorNode;
import io.ringmem.coordinator.CoordinatorSettings;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.RunnerSettings;
import io.ringmem.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ringmem coordinator}: the job API and scheduler (docs/cluster.md). Runs until killed. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Run the coordinator: REST job API, planning segments over rings of workers, recovery.")
final class CoordinatorCommand implements Callable<Integer> {
    @Mixin
    ServeModelOptions model;

    @Mixin
    ClusterMixin cluster;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT", description = "REST API port (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--max-document-tokens", defaultValue = "4000000", paramLabel = "N",
            description = "largest document accepted, in tokens (default: ${DEFAULT-VALUE})")
    int maxDocumentTokens;

    @Option(names = "--max-documents", defaultValue = "1000", paramLabel = "N",
            description = "most documents per job (default: ${DEFAULT-VALUE})")
    int maxDocuments;

    @Option(names = "--max-job-tokens", defaultValue = "8000000", paramLabel = "N",
            description = "most tokens of a job's documents together (default: ${DEFAULT-VALUE})")
    long maxJobTokens;

    @Option(names = "--max-request-bytes", defaultValue = "33554432", paramLabel = "BYTES",
            description = "largest REST request body; larger ones get 413 before they are read (default: ${DEFAULT-VALUE}, 32 MiB)")
    long maxRequestBytes;

    @Option(names = "--step-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "how long a rank waits for its ring neighbour (default: ${DEFAULT-VALUE})")
    int stepTimeoutSeconds;

    @Option(names = "--max-attempts", defaultValue = "6", paramLabel = "N",
            description = "attempts per segment before a job fails (default: ${DEFAULT-VALUE})")
    int maxAttempts;

    @Option(names = "--max-concurrent-jobs", defaultValue = "4", paramLabel = "N",
            description = "jobs run at the same time at most; they share the workers (default: ${DEFAULT-VALUE})")
    int concurrentJobs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CoordinatorSettings settings;
        try {
            RunnerSettings d = RunnerSettings.defaults();
            settings = new CoordinatorSettings(model.modelName(), cluster.options(), cluster.httpHost(), httpPort,
                    new JobLimits(maxDocumentTokens, maxDocuments, JobLimits.DEFAULT_MAX_WORKERS, JobLimits.DEFAULT_MAX_NEW_TOKENS,
                            maxJobTokens, JobLimits.DEFAULT_MAX_SEGMENT_TOKENS, JobLimits.DEFAULT_MAX_RETRIEVE_TOP_K),
                    new RunnerSettings(Duration.ofSeconds(stepTimeoutSeconds), d.segmentTimeout(), d.acquireTimeout(), maxAttempts,
                            d.probeTimeout(), d.quarantine(), concurrentJobs), maxRequestBytes);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
        cluster.warning().ifPresent(err::println);
        try (LoadedModel loaded = model.load(err)) {
            CoordinatorNode node = CoordinatorNode.start(settings, loaded.config(), loaded.tokenizer(), line -> {
                err.println("ringmem: " + line);
                err.flush();
            });
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "ringmem-coordinator-shutdown"));
            err.printf("ringmem: coordinator ready: REST on port %d, model %s%n", node.httpPort(), settings.modelName());
            err.flush();
            node.awaitShutdown();
        }
        return 0;
    }
}
