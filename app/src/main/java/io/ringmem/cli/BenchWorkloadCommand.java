package io.ringmem.cli;

import io.ringmem.backend.Backend;
import io.ringmem.bench.peers.PeerWorkload;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code ringmem bench workload}: Ringmem's side of {@code scripts/bench-peers.sh}, one prefill or decode run
 * ({@link PeerWorkload}) printed as one JSON line with this process's peak RSS.
 */
@Command(name = "workload", mixinStandardHelpOptions = true,
        description = "One timed prefill (or decode after a prefill) on seeded random ids; one JSON line with seconds and peak RSS.")
final class BenchWorkloadCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--tokens", defaultValue = "512", paramLabel = "N", description = "prefill length (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--decode", defaultValue = "0", paramLabel = "M",
            description = "greedy tokens decoded after the prefill and timed alone; 0 times the prefill (default: ${DEFAULT-VALUE})")
    int decode;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BenchArgs.atLeast(tokens, decode > 0 ? 2 : 1, "--tokens");
        BenchArgs.atLeast(decode, 0, "--decode");
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel m = options.load(spec.commandLine().getErr()); Backend k = options.createBackend(spec.commandLine().getErr())) {
            double secs = PeerWorkload.run(new LlamaModel(m.config(), m.weights(), k), options.runConfig(), tokens, decode);
            int threads = options.threads != null ? options.threads : Runtime.getRuntime().availableProcessors();
            out.printf(Locale.ROOT, "{\"peer\":\"ringmem\",\"workload\":\"%s\",\"tokens\":%d,\"decode\":%d,\"threads\":%d,"
                            + "\"seconds\":%.6f,\"rssBytes\":%d}%n", decode > 0 ? "decode" : "prefill", tokens, decode, threads, secs,
                    PeerWorkload.peakRssBytes());
            out.flush();
        }
    }
}
