package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RankPrefill;
import io.ringmem.forward.RunConfig;
import io.ringmem.ring.InMemoryRing;
import io.ringmem.ring.ShardSchedule;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Answers a question about a document that was processed earlier, from what the document left: its
 * {@link SegmentState} and the compressed blocks in the {@link KvBlockStore}. The question's tokens continue the
 * document (their positions follow its last token) and attend, like a further segment, to the sinks, the last
 * window, the memory and the blocks retrieved by their own queries; the answer is chosen greedily.
 *
 * <p>Each new token re-runs the question and the answer so far as one short segment (no KV cache across steps), so
 * cost grows with the square of the answer length; meant for answers of tens of tokens. Equals greedy generation
 * over the document followed by the question when the carried context holds the whole document exactly (one
 * segment with a window of at least its length).
 */
public final class DocumentAnswerer {
    private final LlamaModel model;
    private final SegmentConfig seg;
    private final int blockTokens;
    private final RunConfig run;

    /** @param seg the settings; positions {@code auto} resolves for the document and question together */
    public DocumentAnswerer(LlamaModel model, SegmentConfig seg, int blockTokens) {
        this.model = model;
        this.seg = seg;
        this.blockTokens = blockTokens;
        this.run = new RunConfig(1, ShardSchedule.CONTIGUOUS, blockTokens, Duration.ofMinutes(1));
    }

    /**
     * @param question  (Q ≥ 1) question ids, used as given
     * @param maxTokens answer tokens at most
     * @param stop      ids that end the answer (kept in the output)
     * @return the answer's ids
     */
    public int[] answer(SegmentState state, KvBlockStore store, int[] question, int maxTokens, IntPredicate stop) {
        if (question.length == 0) throw new RingmemException("the question is empty");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (state.segmentsDone() == 0) throw new RingmemException("the document has not been processed");
        SegmentPipeline pipeline = new SegmentPipeline(model,
                seg.resolvedFor(state.nextPosition() + question.length + maxTokens, model.config().maxPositions()), blockTokens);
        ExtraContext extra = pipeline.extraFor(state, store);
        RankPrefill prefill = new RankPrefill(model, run);
        int vocab = model.config().vocabSize();
        int[] seq = Arrays.copyOf(question, question.length + maxTokens);
        int len = question.length, first = state.nextPosition();
        for (int i = 0; i < maxTokens; i++) {
            int lastPos = first + len - 1;
            int[] best = {0};
            try (InMemoryRing ring = new InMemoryRing(1)) {
                prefill.run(Arrays.copyOf(seq, len), first, extra, ring.channel(0), p -> p == lastPos, (p, logits, off) -> {
                    int arg = 0;
                    for (int t = 1; t < vocab; t++) if (logits[off + t] > logits[off + arg]) arg = t;
                    best[0] = arg;
                }, false, l -> { });
            }
            seq[len++] = best[0];
            if (stop.test(best[0])) break;
        }
        return Arrays.copyOfRange(seq, question.length, len);
    }
}
