package io.ringmem.forward;

import io.ringmem.RingmemException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/** Scores a token sequence: per-position NLL of the next token and argmax, through a sequence-parallel prefill. */
public final class Scorer {
    private final LlamaModel model;
    private final RunConfig run;

    public Scorer(LlamaModel model, RunConfig run) {
        this.model = model;
        this.run = run;
    }

    public ScoreResult score(int[] ids) {
        return score(ids, Set.of());
    }

    /** @param keepLogits positions whose full logit rows are returned as well */
    public ScoreResult score(int[] ids, Set<Integer> keepLogits) {
        return score(ids, keepLogits, layers -> { });
    }

    /** @param progress receives the number of layers finished (see {@link SequenceParallelPrefill#run}) */
    public ScoreResult score(int[] ids, Set<Integer> keepLogits, IntConsumer progress) {
        if (ids.length < 2) throw new RingmemException("scoring needs at least 2 tokens, got " + ids.length);
        int n = ids.length;
        double[] nll = new double[n - 1];
        int[] argmax = new int[n];
        ConcurrentHashMap<Integer, float[]> kept = new ConcurrentHashMap<>();
        PrefillResult r = new SequenceParallelPrefill(model, run).run(ids, p -> true, (pos, logits, off) -> {
            int vocab = model.config().vocabSize();
            int best = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) {
                if (logits[off + i] > max) {
                    max = logits[off + i];
                    best = i;
                }
            }
            argmax[pos] = best;
            if (pos < n - 1) nll[pos] = LogProbs.nll(logits, off, vocab, ids[pos + 1]);
            if (keepLogits.contains(pos)) {
                float[] row = new float[vocab];
                System.arraycopy(logits, off, row, 0, vocab);
                kept.put(pos, row);
            }
        }, progress);
        return new ScoreResult(n, run.ranks(), nll, argmax, kept, r.nanos());
    }
}
