package io.ringmem.forward;

import io.ringmem.RingmemException;
import io.ringmem.ring.InMemoryRing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * The whole model with the sequence split over P ranks (threads of this JVM, linked by an {@link InMemoryRing}).
 * Each rank embeds its shard, runs it through every layer with causal ring attention, and emits logits for the
 * positions the caller wants. The result equals a single-rank run up to fp32 rounding of the attention merge.
 *
 * <p>If any rank fails, the ring is closed so the others stop waiting, and the first failure is thrown.
 */
public final class SequenceParallelPrefill {
    private final LlamaModel model;
    private final RunConfig run;

    public SequenceParallelPrefill(LlamaModel model, RunConfig run) {
        this.model = model;
        this.run = run;
    }

    /**
     * @param ids    (N) token ids, used as given (no BOS added)
     * @param wanted positions whose logits go to {@code sink}
     */
    public PrefillResult run(int[] ids, IntPredicate wanted, LogitsSink sink) {
        return run(ids, wanted, sink, layers -> { });
    }

    /**
     * As {@link #run(int[], IntPredicate, LogitsSink)}, reporting progress: {@code progress} gets the number of
     * layers rank 0 has finished (1 … L), from rank 0's thread.
     */
    public PrefillResult run(int[] ids, IntPredicate wanted, LogitsSink sink, IntConsumer progress) {
        return run(ids, 0, ExtraContext.NONE, wanted, sink, progress);
    }

    /**
     * The general form: {@code ids} sit at global positions {@code firstPosition …}, and each rank's queries also
     * attend to the blocks {@code extra} gives it (merged exactly with the ring's result). Logits positions and the
     * returned caches use global positions.
     */
    public PrefillResult run(int[] ids, int firstPosition, ExtraContext extra, IntPredicate wanted, LogitsSink sink,
                             IntConsumer progress) {
        return run(ids, firstPosition, extra, wanted, sink, false, progress);
    }

    /**
     * As {@link #run(int[], int, ExtraContext, IntPredicate, LogitsSink, IntConsumer)}; with {@code pooled} the
     * result also carries {@link PrefillResult#hiddenSum()} (the ranks' sums added in rank order).
     */
    public PrefillResult run(int[] ids, int firstPosition, ExtraContext extra, IntPredicate wanted, LogitsSink sink,
                             boolean pooled, IntConsumer progress) {
        if (firstPosition < 0) throw new IllegalArgumentException("firstPosition must be >= 0, got " + firstPosition);
        int n = ids.length, ranks = run.ranks();
        if (n == 0) throw new RingmemException("no tokens to process");
        if (ranks > n) throw new RingmemException(ranks + " workers need at least " + ranks + " tokens; the input has " + n);
        for (int id : ids) Embedding.checkId(model.weights().embedding(), id);

        long t0 = System.nanoTime();
        AtomicLong wait = new AtomicLong(), attention = new AtomicLong();
        List<KvCache> caches = new ArrayList<>();
        float[] hiddenSum = pooled ? new float[model.config().dim()] : null;
        AtomicReference<Throwable> rootCause = new AtomicReference<>();
        try (InMemoryRing ring = new InMemoryRing(ranks);
             ExecutorService pool = Executors.newFixedThreadPool(ranks, Thread.ofPlatform().name("ring-rank-", 0).daemon().factory())) {
            List<Future<RankPrefill.Output>> futures = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try {
                        return runRank(rank, ids, firstPosition, extra, ring, wanted, sink, pooled, wait, attention,
                                rank == 0 ? progress : l -> { });
                    } catch (RuntimeException | Error e) {
                        rootCause.compareAndSet(null, e); // the first failure, before the ring is torn down
                        ring.close(); // wake the other ranks
                        throw e;
                    }
                }));
            }
            for (Future<RankPrefill.Output> f : futures) {
                try {
                    RankPrefill.Output out = f.get();
                    caches.add(out.cache());
                    if (pooled) {
                        for (int d = 0; d < hiddenSum.length; d++) hiddenSum[d] += out.hiddenSum()[d];
                    }
                } catch (ExecutionException e) {
                    // reported below through rootCause
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ring.close();
                    throw new RingmemException("interrupted during prefill");
                }
            }
            Throwable failure = rootCause.get();
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error err) throw err;
        }
        return new PrefillResult(caches, n, System.nanoTime() - t0, wait.get(), attention.get(), hiddenSum);
    }

    private RankPrefill.Output runRank(int rank, int[] ids, int firstPosition, ExtraContext extra, InMemoryRing ring,
                                       IntPredicate wanted, LogitsSink sink, boolean pooled, AtomicLong wait, AtomicLong attention,
                                       IntConsumer progress) {
        RankPrefill.Output out = new RankPrefill(model, run)
                .run(ids, firstPosition, extra, ring.channel(rank), wanted, sink, pooled, progress);
        wait.addAndGet(out.ringWaitNanos());
        attention.addAndGet(out.attentionNanos());
        return out;
    }
}
