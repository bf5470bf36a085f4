package io.ringmem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.model.LoadedModel;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.MemoryNeed;
import io.ringmem.segment.SegmentedScorer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;

/** {@code ringmem score}: per-token negative log-likelihood of a document. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a document: per-token NLL, mean NLL and perplexity, with the sequence split over P ranks.")
final class ScoreCommand implements Callable<Integer> {
    /** Inputs at least this long report progress per layer on stderr. */
    private static final int PROGRESS_MIN_TOKENS = 4096;

    @Mixin
    ModelOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--input", paramLabel = "TEXT_FILE", description = "UTF-8 text; tokenized with the model's tokenizer, BOS added")
        Path text;

        @Option(names = "--tokens", paramLabel = "IDS_FILE", description = "whitespace-separated token ids, used as is (no BOS added)")
        Path ids;
    }

    @Mixin
    SegmentOptions segments;

    @Mixin
    SegmentSettingsOptions segmentSettings;

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Spec
    CommandSpec spec;

    /** What both modes report. */
    private record Summary(String mode, double[] nll, double meanNll, double tokensPerSecond, int segments, long storeBytes,
                           double compressionRatio, String positions, List<String> warnings) {
    }

    private Summary exact(LlamaModel llama, io.ringmem.forward.RunConfig run, int[] ids, PrintWriter err, int layers) {
        long t0 = System.nanoTime();
        IntConsumer progress = ids.length < PROGRESS_MIN_TOKENS ? l -> { }
                : l -> err.printf("ringmem: layer %d/%d done (%.1f s)%n", l, layers, (System.nanoTime() - t0) / 1e9);
        ScoreResult r = new Scorer(llama, run).score(ids, Set.of(), progress);
        String warning = Positions.exactWarning(ids.length, llama.config().maxPositions());
        return new Summary("exact", r.nll(), r.meanNll(), r.tokensPerSecond(), 1, 0, 1.0, Positions.DOCUMENT.wireName(),
                warning == null ? List.of() : List.of(warning));
    }

    private Summary segmented(LlamaModel llama, io.ringmem.forward.RunConfig run, int[] ids, PrintWriter err) {
        SegmentConfig cfg = segmentSettings.config();
        int total = (ids.length + cfg.segmentTokens() - 1) / cfg.segmentTokens();
        var memory = llama.weights().memoryTokens();
        if (memory != null) {
            err.println(cfg.memoryTokens()
                    ? "ringmem: using the checkpoint's " + memory.rows() + " RMT memory tokens (--no-memory-tokens to disable)"
                    : "ringmem: the checkpoint has " + memory.rows() + " RMT memory tokens; not used (--no-memory-tokens)");
        }
        long t0 = System.nanoTime();
        Path source = input.ids != null ? input.ids : input.text;
        SegmentScoreResult r;
        try (OpenedBlockStore stores = OpenedBlockStore.open(segments, llama.config().layers(),
                OpenedBlockStore.documentId(segments, source, ids))) {
            err.println("ringmem: segment mode, KV blocks in the " + stores.description());
            r = new SegmentedScorer(llama, run, cfg, stores.store())
                    .score(ids, s -> err.printf("ringmem: segment %d/%d done (%.1f s)%n", s, total, (System.nanoTime() - t0) / 1e9));
        }
        List<String> warnings = cfg.resolvedFor(ids.length, llama.config().maxPositions()).positionWarnings(ids.length);
        return new Summary("segments", r.nll(), r.meanNll(), r.tokensPerSecond(), r.segments(), r.storeBytes(), r.compressionRatio(),
                r.positions().wireName(), warnings);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        var run = options.runConfig();
        if (segments.segmented()) {
            segmentSettings.config(); // bad segment options fail before the model loads
            segments.hazelcast();
        }
        try (LoadedModel model = options.load(err); Backend backend = options.createBackend(err)) {
            int[] ids = input.ids != null ? TokenInput.fromIds(input.ids, model.config().vocabSize())
                    : TokenInput.fromText(input.text, model.tokenizer());
            if (ids.length < 2) throw new RingmemException("scoring needs at least 2 tokens; the input has " + ids.length);
            err.printf("ringmem: scoring %d tokens on %d worker(s), %s schedule, %s kernels%n",
                    ids.length, run.ranks(), run.schedule().name().toLowerCase(Locale.ROOT), backend.name());
            LlamaModel llama = new LlamaModel(model.config(), model.weights(), backend);
            long heap = Runtime.getRuntime().maxMemory();
            if (segments.segmented()) { // the in-process store lives on this heap; a Hazelcast store's members hold theirs
                MemoryNeed.segments(model.config(), segmentSettings.config(), ids.length, run.ranks(), !segments.hazelcast())
                        .require(heap, "or use a smaller --kv-codec");
            } else {
                MemoryNeed.exact(model.config(), ids.length).require(heap, "or score in segments (--mode segments)");
            }
            Summary r = segments.segmented() ? segmented(llama, run, ids, err) : exact(llama, run, ids, err, model.config().layers());
            for (String w : r.warnings()) err.println("ringmem: warning: " + w);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                o.put("tokens", ids.length);
                o.put("workers", run.ranks());
                var nll = o.putArray("nll");
                for (double v : r.nll()) nll.add(v);
                o.put("meanNll", r.meanNll());
                o.put("perplexity", Math.exp(r.meanNll()));
                o.put("tokensPerSecond", r.tokensPerSecond());
                o.put("mode", r.mode());
                o.put("segments", r.segments());
                o.put("storeBytes", r.storeBytes());
                o.put("compressionRatio", r.compressionRatio());
                o.put("positions", r.positions());
                var warnings = o.putArray("warnings");
                r.warnings().forEach(warnings::add);
                out.println(mapper.writeValueAsString(o));
            } else {
                out.printf("tokens          %d%nworkers         %d%nmode            %s (%d segment(s))%npositions       %s%n"
                        + "mean NLL        %.6f nats%nperplexity      %.4f%ntokens/second   %.1f%n", ids.length, run.ranks(), r.mode(),
                        r.segments(), r.positions(), r.meanNll(), Math.exp(r.meanNll()), r.tokensPerSecond());
                if (r.storeBytes() > 0) out.printf("store           %d bytes (compression %.2fx)%n", r.storeBytes(), r.compressionRatio());
            }
            out.flush();
        }
        return 0;
    }
}
