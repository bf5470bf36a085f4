import io.ringmem.recall.RecallDocument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a needle-in-a-haystack document for the recall model (make-recall-model) as token ids, for
 * {@code ringmem analyze --ids} / {@code ringmem score --tokens}, and beside it OUT.queries: one line per needle with
 * the position p of its query key; the answer is token p + 1, so the report's per-token NLL at index p is the answer's.
 * Run from the repository root (docs/benchmarks.md, "One million tokens, and ten"):
 * {@code java -cp app/target/ringmem.jar scripts/RecallDocumentIds.java TOKENS NEEDLES DISTRACTOR_LEVEL SEED OUT.ids}
 */
public final class RecallDocumentIds {
    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: RecallDocumentIds TOKENS NEEDLES DISTRACTOR_LEVEL SEED OUT.ids");
            System.exit(2);
        }
        int tokens = Integer.parseInt(args[0]), needles = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[3]);
        RecallDocument d = RecallDocument.of(tokens, needles, RecallDocument.randomDepths(needles, seed), Double.parseDouble(args[2]), seed);
        StringBuilder ids = new StringBuilder(tokens * 4);
        for (int i = 0; i < d.ids().length; i++) ids.append(i == 0 ? "" : " ").append(d.ids()[i]);
        Files.writeString(Path.of(args[4]), ids.append('\n'));
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < needles; i++) q.append(d.queries()[i]).append(' ').append(d.needles()[i]).append('\n');
        Files.writeString(Path.of(args[4] + ".queries"), q);
    }
}
