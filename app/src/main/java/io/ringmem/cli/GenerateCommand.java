package io.ringmem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.forward.Generator;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.Sampler;
import io.ringmem.model.LoadedModel;
import io.ringmem.tokenizer.StreamingDecoder;
import io.ringmem.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringmem generate}: continue a prompt (prefill over the ring, then decode over the sharded KV cache). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt. The prompt is prefilled over P ranks; tokens are then decoded over the sharded KV cache.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--prompt", defaultValue = "", paramLabel = "TEXT", description = "prompt text (default: empty, start from BOS)")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "256", paramLabel = "N", description = "new tokens at most (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "0 is greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "nucleus sampling mass (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: from the clock; printed to stderr)")
    Long seed;

    @Option(names = "--json", description = "print one JSON object on stdout instead of streaming text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (maxTokens < 0) throw new RingmemException("--max-tokens must be >= 0, got " + maxTokens);
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new RingmemException("--temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new RingmemException("--top-p must be in (0, 1], got " + topP);
        long s = seed != null ? seed : System.nanoTime();
        var run = options.runConfig();
        try (LoadedModel model = options.load(err); Backend backend = options.createBackend(err)) {
            Tokenizer tok = model.tokenizer();
            if (tok == null) throw new RingmemException("the model has no tokenizer: give one with --tokenizer");
            int[] promptIds = promptIds(tok);
            if (seed == null) err.println("ringmem: seed " + s);
            StopWatch watch = new StopWatch(tok, model.stopText(), json ? null : out, promptIds);
            long t0 = System.nanoTime();
            int[] ids = new Generator(new LlamaModel(model.config(), model.weights(), backend), run)
                    .generate(promptIds, maxTokens, new Sampler(temperature, topP, s), id -> id == tok.eos(), watch::accept);
            double secs = (System.nanoTime() - t0) / 1e9;
            watch.finish();
            int generated = ids.length - promptIds.length;
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                var arr = o.putArray("ids");
                for (int id : ids) arr.add(id);
                o.put("text", tok.decode(ids));
                o.put("promptTokens", promptIds.length);
                o.put("generatedTokens", generated);
                o.put("workers", run.ranks());
                o.put("seed", s);
                o.put("tokensPerSecond", generated / secs);
                out.println(mapper.writeValueAsString(o));
            } else {
                out.println();
                err.printf("ringmem: %d tokens in %.2f s (%.1f tokens/s)%n", generated, secs, generated / secs);
            }
            out.flush();
        }
        return 0;
    }

    private int[] promptIds(Tokenizer tok) {
        int[] body = prompt.isEmpty() ? new int[0] : tok.encode(prompt);
        boolean bos = tok.bos() >= 0 && (tok.addBos() || body.length == 0);
        int[] ids = new int[body.length + (bos ? 1 : 0)];
        if (bos) ids[0] = tok.bos();
        System.arraycopy(body, 0, ids, bos ? 1 : 0, body.length);
        if (ids.length == 0) throw new RingmemException("empty prompt and the vocabulary has no BOS token to start from");
        return Arrays.copyOf(ids, ids.length);
    }

    /** Streams decoded text (when printing) and stops once a stop string (e.g. a spelled-out EOS) appears. */
    private static final class StopWatch {
        private final StreamingDecoder decoder;
        private final List<String> stopText;
        private final PrintWriter sink;
        private final StringBuilder text = new StringBuilder();

        StopWatch(Tokenizer tok, List<String> stopText, PrintWriter sink, int[] prompt) {
            this.decoder = new StreamingDecoder(tok, prompt[prompt.length - 1]);
            this.stopText = stopText;
            this.sink = sink;
            if (sink != null) sink.print(tok.decode(prompt));
        }

        boolean accept(int id) {
            emit(decoder.next(id));
            for (String stop : stopText) if (text.indexOf(stop) >= 0) return false;
            return true;
        }

        void finish() {
            emit(decoder.flush());
        }

        private void emit(String piece) {
            text.append(piece);
            if (sink != null) {
                sink.print(piece);
                sink.flush();
            }
        }
    }
}
