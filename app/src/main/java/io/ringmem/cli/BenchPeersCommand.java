package io.ringmem.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;
import io.ringmem.bench.Machine;
import io.ringmem.bench.peers.PeerReport;
import io.ringmem.bench.peers.PeerRun;
import io.ringmem.bench.peers.PeerTable;
import io.ringmem.bench.peers.RandomLlamaSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ringmem bench peers}: the table of {@code scripts/bench-peers.sh} from its runs file (one JSON line per
 * run of a harness): medians, min–max, paired ratios, peak RSS and GFLOP/s against the machine's peak. The script
 * runs the peers; this command only aggregates, so it needs no network.
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "Aggregate scripts/bench-peers.sh runs (JSON lines) into the Ringmem vs llama.cpp vs Jlama table.")
final class BenchPeersCommand implements Callable<Integer> {
    @Option(names = "--runs", required = true, paramLabel = "FILE", description = "runs file: one JSON object per line")
    Path runs;

    @Option(names = "--vocab", defaultValue = "32000", paramLabel = "N") int vocab;
    @Option(names = "--hidden", defaultValue = "1024", paramLabel = "N") int hidden;
    @Option(names = "--layers", defaultValue = "12", paramLabel = "N") int layers;
    @Option(names = "--heads", defaultValue = "16", paramLabel = "N") int heads;
    @Option(names = "--kv-heads", defaultValue = "4", paramLabel = "N") int kvHeads;
    @Option(names = "--ffn", defaultValue = "2816", paramLabel = "N") int ffn;
    @Option(names = "--context", defaultValue = "32768", paramLabel = "N") int context;

    @Option(names = "--long-layers", defaultValue = "2", paramLabel = "N",
            description = "layers of the long-context model (otherwise the same shape) (default: ${DEFAULT-VALUE})")
    int longLayers;

    @Option(names = "--kernels-json", paramLabel = "FILE", description = "`bench kernels --json` output: its best matmul GFLOP/s is shown")
    Path kernelsJson;

    @Option(names = "--threads", paramLabel = "N", description = "threads the runs used, for the peak (default: available processors)")
    Integer threads;

    @Option(names = "--json-out", paramLabel = "FILE", description = "also write the JSON report here")
    Path jsonOut;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        List<PeerRun> list = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(runs)) {
            lineNo++;
            if (line.isBlank()) continue;
            try {
                list.add(json.readValue(line, PeerRun.class));
            } catch (IOException | IllegalArgumentException e) {
                throw new RingmemException(runs + ":" + lineNo + ": not a run record: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        RandomLlamaSpec main = new RandomLlamaSpec(vocab, hidden, layers, heads, kvHeads, ffn, context, 1, RandomLlamaSpec.Format.F32);
        RandomLlamaSpec lng = new RandomLlamaSpec(vocab, hidden, longLayers, heads, kvHeads, ffn, context, 1, RandomLlamaSpec.Format.F32);
        Machine machine = Machine.detect();
        int t = threads != null ? threads : machine.cores();
        double peak = machine.peakGflops(t);
        double bestMatmul = kernelsJson != null && Files.exists(kernelsJson) ? bestMatmul(json.readTree(kernelsJson.toFile())) : Double.NaN;
        PeerReport report = new PeerReport(PeerTable.of(list), main, lng, Double.isFinite(peak) ? peak : 0);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "machine: %s, %d cores, %d fp32 lanes; fp32 peak %.0f GFLOP/s at %d threads (theoretical)%s; %d runs%n%n",
                machine.cpu(), machine.cores(), machine.lanes(), peak, t,
                Double.isFinite(bestMatmul) ? String.format(Locale.ROOT, ", best measured matmul %.0f GFLOP/s", bestMatmul) : "",
                list.size());
        out.print(report.markdown());
        out.flush();
        if (jsonOut != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("bench", "peers");
            o.put("machine", machine);
            o.put("peakGflops", peak);
            o.put("bestMatmulGflops", Double.isFinite(bestMatmul) ? bestMatmul : null);
            o.put("rows", report.json());
            json.writerWithDefaultPrettyPrinter().writeValue(jsonOut.toFile(), o);
        }
        return 0;
    }

    static double bestMatmul(JsonNode kernels) {
        double best = Double.NaN;
        for (JsonNode r : kernels.path("results")) {
            if (r.path("kernel").asText().contains("matmul") && r.path("vectorGflops").isNumber()) {
                double g = r.path("vectorGflops").asDouble();
                if (!(best >= g)) best = g;
            }
        }
        return best;
    }
}
