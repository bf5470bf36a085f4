package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.bench.DecodeBenchmark;
import io.ringmem.bench.Machine;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Sampler;
import io.ringmem.kernel.VectorKernels;
import io.ringmem.model.LoadedModel;
import io.ringmem.ring.ShardSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench decode}: {@link DecodeBenchmark}, decode tokens/s after a prompt and the step's time split. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode tokens/s after a prefilled prompt of seeded random tokens, and where a step's time goes"
                + " (matmul, attention, sampling, other).")
final class BenchDecodeCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--prompts", split = ",", defaultValue = "512", paramLabel = "P,P",
            description = "prompt lengths, each prefilled before decoding (default: ${DEFAULT-VALUE})")
    List<Integer> prompts;

    @Option(names = "--tokens", defaultValue = "64", paramLabel = "N", description = "tokens decoded per run (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T",
            description = "sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "nucleus sampling mass (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--reps", defaultValue = "3", paramLabel = "N",
            description = "measured runs after one warm-up; the median tokens/s is reported (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        BenchArgs.allAtLeast(prompts, 1, "--prompts");
        BenchArgs.atLeast(tokens, 1, "--tokens");
        BenchArgs.atLeast(reps, 1, "--reps");
        BenchArgs.atLeast(temperature, 0, "--temperature");
        if (!(topP > 0 && topP <= 1)) throw new RingmemException("--top-p must be in (0, 1], got " + topP);
        ShardSchedule schedule = ShardSchedule.parse(options.schedule);
        Machine machine = Machine.detect();
        try (LoadedModel m = options.load(spec.commandLine().getErr()); Backend k = options.createBackend(spec.commandLine().getErr())) {
            for (int p : prompts) {
                if ((long) p + tokens > m.config().maxPositions()) {
                    throw new RingmemException("--prompts " + p + " plus --tokens " + tokens + " exceeds the model's "
                            + m.config().maxPositions() + " positions");
                }
                BenchArgs.atLeast(p, options.workers, "--prompts (at least one token per worker)");
            }
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            RunConfig run = new RunConfig(options.workers, schedule, options.blockTokens, Duration.ofMinutes(30));
            int threads = k.kernels() instanceof VectorKernels v ? v.threads() : 1;
            if (!json) {
                out.printf(Locale.ROOT, "decode: kernels=%s, threads=%d, workers=%d, %d tokens per run, median of %d run(s) after"
                        + " 1 warm-up%n", k.name(), threads, options.workers, tokens, reps);
                out.printf(Locale.ROOT, "machine: %s, %d cores, %d fp32 lanes, peak %.1f GFLOP/s (%.1f for %d thread(s))%n",
                        machine.cpu(), machine.cores(), machine.lanes(), machine.peakGflops(machine.cores()),
                        machine.peakGflops(threads), threads);
                out.println("| prompt | tokens | tokens/s | ms/token | matmul | attention | sampling | other | bytes/token |");
                out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                out.flush();
            }
            List<DecodeBenchmark.Row> rows = DecodeBenchmark.run(model, prompts, tokens, run, new Sampler(temperature, topP, 1), reps,
                    r -> {
                        if (json) return;
                        out.printf(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %d |%n", r.promptTokens(),
                                r.tokens(), r.tokensPerSecond(), r.msPerToken(), 100 * r.matmulShare(), 100 * r.attentionShare(),
                                100 * r.samplingShare(), 100 * r.otherShare(), r.bytesPerToken());
                        out.flush();
                    });
            if (json) {
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("model", m.source().getFileName().toString());
                settings.put("kernels", k.name());
                settings.put("threads", threads);
                settings.put("workers", options.workers);
                settings.put("tokens", tokens);
                settings.put("temperature", temperature);
                settings.put("topP", topP);
                settings.put("reps", reps);
                settings.put("peakGflops", machine.peakGflops(machine.cores()));
                settings.put("threadPeakGflops", machine.peakGflops(threads));
                new BenchReport("decode", machine, settings, "none: absolute tokens/s and shares of the decode wall time", rows)
                        .print(out);
            }
        }
    }
}
