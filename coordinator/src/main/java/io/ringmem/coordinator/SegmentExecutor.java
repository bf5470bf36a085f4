package io.ringmem.coordinator;

import io.ringmem.protocol.FinalizeResult;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one segment of one document on a ring of workers, retrying on other workers when one fails: every rank
 * gets a {@link ShardTask}; when all succeeded, the first rank's worker finalizes the segment (blocks and carried
 * state to the store). A failed attempt releases its ring, probes which of its workers are unreachable (they are
 * kept out of later rings), and runs again with a fresh ring session from the same stored state, so the result
 * equals an undisturbed run's whenever the new ring has the same size.
 *
 * <p>A failure that repeats with the same message while every worker is reachable is taken as deterministic (bad
 * input, missing state) and fails the job at once instead of retrying.
 */
final class SegmentExecutor {
    private final WorkerGateway gateway;
    private final WorkerLeases leases;
    private final RunnerSettings settings;
    private final Consumer<String> log;
    private final SecureRandom random = new SecureRandom();

    SegmentExecutor(WorkerGateway gateway, WorkerLeases leases, RunnerSettings settings, Consumer<String> log) {
        this.gateway = gateway;
        this.leases = leases;
        this.settings = settings;
        this.log = log;
    }

    /** A segment that cannot be completed; the message is for the job's error field. */
    static final class SegmentFailedException extends RuntimeException {
        SegmentFailedException(String message) {
            super(message, null, false, false);
        }
    }

    /** The job was cancelled while the segment waited or ran. */
    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }

    /**
     * @param ids       the whole document
     * @param ranks     the job's ring size P (a last segment of fewer than P query chunks runs on fewer ranks:
     *                  {@link SegmentConfig#ranksFor})
     * @param onFailure called once per failed attempt (for the job's attempt count and metrics)
     */
    SegmentOutcome run(String jobId, String documentId, int[] ids, int segment, int ranks, SegmentConfig s,
                       boolean embed, BooleanSupplier cancelled, Runnable onFailure) throws InterruptedException {
        int n = ids.length, start = segment * s.segmentTokens(), end = Math.min(n, start + s.segmentTokens());
        int[] segmentIds = Arrays.copyOfRange(ids, start, end);
        int nextToken = end < n ? ids[end] : -1;
        int p = s.ranksFor(ranks, end - start);
        long t0 = System.nanoTime();
        String previous = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (cancelled.getAsBoolean()) throw new CancelledException();
            List<WorkerRef> ring = leases.acquire(p, settings.acquireTimeout(), cancelled).orElseThrow(CancelledException::new);
            int session = random.nextInt(Integer.MAX_VALUE);
            try {
                List<ShardResult> shards = runRing(jobId, documentId, segment, session, ring, segmentIds, start, nextToken, s, embed);
                List<QuerySums> queries = s.keepRatio() < 1 ? shards.stream().map(ShardResult::queries).toList() : List.of();
                FinalizeResult fin = await(gateway.call(ring.get(0),
                        new FinalizeTask(jobId, documentId, segment, session, ring.size(), end, s, queries)));
                return outcome(start, end, shards, ring.size(), (System.nanoTime() - t0) / 1e9, fin);
            } catch (AttemptFailedException e) {
                onFailure.run();
                List<WorkerRef> gone = leases.probe(ring, settings.probeTimeout());
                String names = gone.stream().map(WorkerRef::name).toList().toString();
                log.accept("segment " + segment + " of '" + documentId + "' attempt " + attempt + " on " + names(ring) + " failed: "
                        + e.getMessage() + (gone.isEmpty() ? "" : "; unreachable: " + names + ", re-planning without them"));
                if (gone.isEmpty() && e.getMessage().equals(previous)) throw new SegmentFailedException(e.getMessage());
                previous = e.getMessage();
                Thread.sleep(Math.min(2000, 200L << Math.min(attempt, 4)));
            } finally {
                leases.release(ring);
            }
        }
        throw new SegmentFailedException("segment " + segment + " of '" + documentId + "' failed " + settings.maxAttempts()
                + " times; last error: " + previous);
    }

    private List<ShardResult> runRing(String jobId, String documentId, int segment, int session, List<WorkerRef> ring,
                                      int[] segmentIds, int start, int nextToken, SegmentConfig s, boolean embed)
            throws InterruptedException {
        int p = ring.size();
        List<CompletableFuture<ShardResult>> futures = new ArrayList<>(p);
        byte[] key = ShardTask.newSessionNonce(); // one per try: its ranks derive the session key from it (and the cluster secret)
        for (int r = 0; r < p; r++) {
            futures.add(gateway.call(ring.get(r), new ShardTask(jobId, documentId, segment, session, r, p, "zigzag",
                    ring.get((r + 1) % p).ringAddress(), segmentIds, start, nextToken, s, true, embed,
                    settings.stepTimeout().toMillis(), key)));
        }
        CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();
        for (CompletableFuture<ShardResult> f : futures) f.whenComplete((r, e) -> { if (e != null) firstFailure.complete(e); });
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        try {
            CompletableFuture.anyOf(all, firstFailure).get(settings.segmentTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // reported through firstFailure
        } catch (TimeoutException e) {
            throw new AttemptFailedException("no answer within " + settings.segmentTimeout().toSeconds() + " s");
        }
        if (firstFailure.isDone() && !all.isDone() || all.isCompletedExceptionally()) {
            throw new AttemptFailedException(Failures.message(firstFailure.join()));
        }
        List<ShardResult> out = new ArrayList<>(p);
        for (CompletableFuture<ShardResult> f : futures) out.add(f.join());
        return out;
    }

    private <R> R await(CompletableFuture<R> f) throws InterruptedException {
        try {
            return f.get(settings.segmentTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AttemptFailedException(Failures.message(e));
        } catch (TimeoutException e) {
            throw new AttemptFailedException("finalize did not answer within " + settings.segmentTimeout().toSeconds() + " s");
        }
    }

    private static SegmentOutcome outcome(int start, int end, List<ShardResult> shards, int p, double seconds, FinalizeResult fin) {
        double[] nll = new double[end - start];
        Arrays.fill(nll, Double.NaN);
        double[] emb = null;
        double wait = 0;
        for (ShardResult r : shards) { // rank order: a fixed summation order
            for (int i = 0; i < r.positions().length; i++) nll[r.positions()[i] - start] = r.nll()[i];
            if (r.hiddenSum() != null) {
                if (emb == null) emb = new double[r.hiddenSum().length];
                for (int d = 0; d < emb.length; d++) emb[d] += r.hiddenSum()[d];
            }
            wait += r.ringWaitNanos() / 1e9;
        }
        float[] embedding = null;
        if (emb != null) {
            embedding = new float[emb.length];
            for (int d = 0; d < emb.length; d++) embedding[d] = (float) emb[d];
        }
        return new SegmentOutcome(start, end, nll, embedding, p, seconds, wait, fin.rawBytes(), fin.encodedBytes());
    }

    private static String names(List<WorkerRef> ring) {
        return ring.stream().map(WorkerRef::name).toList().toString();
    }

    /** One attempt failed; the message says why. */
    private static final class AttemptFailedException extends RuntimeException {
        AttemptFailedException(String message) {
            super(message, null, false, false);
        }
    }
}
