package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.cluster.ServerTls;
import io.ringmem.coordinator.CoordinatorNode;
import io.ringmem.coordinator.CoordinatorSettings;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.RunnerSettings;
import io.ringmem.coordinator.auth.AccessSettings;
import io.ringmem.coordinator.auth.ApiKeys;
import io.ringmem.coordinator.auth.KeyLimits;
import io.ringmem.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
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

    @Option(names = "--api-keys", paramLabel = "FILE",
            description = "API keys, one a line: ID:SECRET[:admin|user[:rate=R,burst=B,jobs=J]] (docs/cluster.md); required "
                    + "unless --insecure-loopback")
    Path apiKeys;

    @Option(names = "--insecure-loopback",
            description = "development only: no API keys; the REST API binds 127.0.0.1 and every caller is an admin")
    boolean insecureLoopback;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "serve HTTPS with this PEM certificate (chain); needs --tls-key")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (PKCS#8, or PKCS#1 RSA)")
    Path tlsKey;

    @Option(names = "--audit-log", paramLabel = "FILE", description = "append audit JSON lines here (default: standard output)")
    Path auditLog;

    @Option(names = "--rate-limit", defaultValue = "20", paramLabel = "R",
            description = "requests per second per API key, unless its line sets rate= (default: ${DEFAULT-VALUE})")
    double rateLimit;

    @Option(names = "--rate-burst", defaultValue = "40", paramLabel = "B",
            description = "requests a key may send at once, unless its line sets burst= (default: ${DEFAULT-VALUE})")
    int rateBurst;

    @Option(names = "--max-active-jobs", defaultValue = "8", paramLabel = "N",
            description = "queued plus running jobs per API key, unless its line sets jobs= (default: ${DEFAULT-VALUE})")
    int maxActiveJobs;

    @Spec
    CommandSpec spec;

    /** The REST API's protection from the options; the HTTP host it may bind (loopback in development mode). */
    private AccessSettings access(PrintWriter err) {
        if ((tlsCert == null) != (tlsKey == null)) throw new RingmemException("--tls-cert and --tls-key go together");
        Optional<ServerTls> tls = tlsCert == null ? Optional.empty() : Optional.of(new ServerTls(tlsCert, tlsKey));
        tls.ifPresent(ServerTls::keyStore); // reads and checks both files now: one clear line if they are wrong
        if (apiKeys != null && insecureLoopback) throw new RingmemException("--api-keys and --insecure-loopback exclude each other");
        if (apiKeys == null && !insecureLoopback) {
            throw new RingmemException("--api-keys FILE is required (docs/cluster.md, Authentication); for a development "
                    + "coordinator on 127.0.0.1 without keys, add --insecure-loopback");
        }
        Optional<ApiKeys> keys = Optional.empty();
        if (apiKeys != null) {
            KeyLimits defaults;
            try {
                defaults = new KeyLimits(rateLimit, rateBurst, maxActiveJobs);
            } catch (IllegalArgumentException e) {
                throw new RingmemException("--rate-limit/--rate-burst/--max-active-jobs: " + e.getMessage());
            }
            keys = Optional.of(ApiKeys.load(apiKeys, defaults));
            err.printf("ringmem: REST API needs an API key: %d keys from %s%n", keys.get().keys().size(), apiKeys);
        }
        return new AccessSettings(keys, tls, Optional.ofNullable(auditLog));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CoordinatorSettings settings;
        AccessSettings access = access(err);
        String httpHost = cluster.httpHost(); // --http-bind, else --bind, else 127.0.0.1
        try {
            RunnerSettings d = RunnerSettings.defaults();
            settings = new CoordinatorSettings(model.modelName(), cluster.options(), httpHost, httpPort,
                    new JobLimits(maxDocumentTokens, maxDocuments, JobLimits.DEFAULT_MAX_WORKERS, JobLimits.DEFAULT_MAX_NEW_TOKENS,
                            maxJobTokens, JobLimits.DEFAULT_MAX_SEGMENT_TOKENS, JobLimits.DEFAULT_MAX_RETRIEVE_TOP_K),
                    new RunnerSettings(Duration.ofSeconds(stepTimeoutSeconds), d.segmentTimeout(), d.acquireTimeout(), maxAttempts,
                            d.probeTimeout(), d.quarantine(), concurrentJobs), maxRequestBytes, access);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
        cluster.warning().ifPresent(err::println);
        if (insecureLoopback) {
            err.println("ringmem: WARNING: --insecure-loopback: the REST API on " + httpHost + " has NO authentication, rate limits "
                    + "or quotas. Never use this where others can reach the machine.");
        }
        try (LoadedModel loaded = model.load(err)) {
            CoordinatorNode node = CoordinatorNode.start(settings, loaded.config(), loaded.tokenizer(), line -> {
                err.println("ringmem: " + line);
                err.flush();
            });
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "ringmem-coordinator-shutdown"));
            err.printf("ringmem: coordinator ready: REST on %s port %d, model %s%n", access.tls().isPresent() ? "HTTPS" : "HTTP",
                    node.httpPort(), settings.modelName());
            err.flush();
            node.awaitShutdown();
        }
        return 0;
    }
}
