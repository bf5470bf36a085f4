package io.ringmem.cli;

import io.ringmem.recall.RecallCheckpoint;
import io.ringmem.recall.RecallMargins;
import io.ringmem.recall.RecallShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ringmem make-recall-model}: writes the analytic associative-recall checkpoint ({@link RecallCheckpoint},
 * docs/recall-model.md) and prints its margins. Refuses a context for which the margins fail, naming the limit.
 */
@Command(name = "make-recall-model", mixinStandardHelpOptions = true,
        description = "Write a small Llama checkpoint (HF folder) whose weights are set analytically so that it recalls"
                + " 'K_i V_j' needles: after the query K_i it predicts V_j. See docs/recall-model.md.")
final class MakeRecallModelCommand implements Runnable {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write (created if absent)")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed of the key and distractor codes"
            + " (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--context", defaultValue = "65536", paramLabel = "C",
            description = "max_position_embeddings: the largest attention distance and number of attended positions the"
                    + " margins hold for (" + RecallShape.MIN_CONTEXT + ".." + RecallShape.MAX_CONTEXT + "; default: ${DEFAULT-VALUE})")
    int context;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter o = spec.commandLine().getOut();
        RecallCheckpoint.Built b = RecallCheckpoint.write(out, context, seed);
        RecallMargins m = b.margins();
        o.printf(Locale.ROOT, "wrote %s: %d-token vocabulary, context %d, seed %d%n", out, RecallShape.vocabSize(), context, seed);
        o.printf(Locale.ROOT, "previous-token head: %d RoPE pairs, margin %.2f nats (ln C + 8 = %.2f), leak bound %.2e%n",
                b.design().pairs(), m.previousTokenMargin(), Math.log(context) + RecallMargins.SAFETY, m.previousTokenLeak());
        o.printf(Locale.ROOT, "induction head: beta %.2f, needle logit >= %.2f, other <= %.2f (distractors) / %.2f (plain),"
                        + " margin at %d positions %.2f nats%n", m.beta(), m.needleLogit(), m.distractorLogit(), m.plainLogit(),
                context, m.inductionMargin());
        o.printf(Locale.ROOT, "answer: logit margin >= %.2f, NLL <= %.2e nats%n", m.answerMargin(), m.answerNllBound());
    }
}
