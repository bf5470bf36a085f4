package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.api.AskResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.GenerateResult;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.protocol.AskTask;
import io.ringmem.protocol.GenerateTask;
import io.ringmem.protocol.TokensResult;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.tokenizer.Tokenizer;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Drives jobs, oldest first, up to {@link RunnerSettings#concurrentJobs()} at a time (they share the workers
 * through {@link WorkerLeases}, so no worker is in two rings at once): the documents of a score/embed job run segment by segment, several
 * documents at once when there are enough workers for several rings; ask and generate jobs run on one worker.
 * The runner is the only writer of a running job's record; every finished segment is stored (outcome, then
 * progress) before the next starts, so a restarted coordinator resumes where this one stopped.
 */
public final class JobRunner implements AutoCloseable {
    private final JobStore store;
    private final WorkerGateway gateway;
    private final WorkerLeases leases;
    private final SegmentExecutor segments;
    private final RunnerSettings settings;
    private final Tokenizer tokenizer;
    private final CoordinatorMetrics metrics;
    private final Consumer<String> log;
    private final Consumer<JobRecord> progress;
    private final ObjectMapper json = new ObjectMapper();
    private final Object wake = new Object();
    private final Thread thread;
    private final ExecutorService jobThreads =
            Executors.newCachedThreadPool(Thread.ofPlatform().name("ringmem-job-", 0).daemon().factory());
    private final Map<String, Future<?>> active = new ConcurrentHashMap<>();
    private final Map<String, Integer> unexpected = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public JobRunner(JobStore store, WorkerGateway gateway, RunnerSettings settings, Tokenizer tokenizer,
                     CoordinatorMetrics metrics, Consumer<String> log, Consumer<JobRecord> progress) {
        this.store = store;
        this.gateway = gateway;
        this.settings = settings;
        this.tokenizer = tokenizer;
        this.metrics = metrics;
        this.log = log;
        this.progress = progress;
        this.leases = new WorkerLeases(gateway, settings.quarantine());
        this.segments = new SegmentExecutor(gateway, leases, settings, log);
        this.thread = Thread.ofPlatform().name("ringmem-job-runner").daemon().start(this::loop);
    }

    /** Wakes the runner (a job was submitted). */
    public void poke() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Unexpected failures of one job in a row before it is failed instead of retried. */
    private static final int MAX_UNEXPECTED = 3;

    /** Starts unfinished jobs, oldest first, while fewer than {@link RunnerSettings#concurrentJobs()} run. */
    private void loop() {
        while (running) {
            try {
                for (JobRecord job : store.list().reversed()) {
                    if (active.size() >= settings.concurrentJobs()) break;
                    if (job.state().finished() || active.containsKey(job.id())) continue;
                    active.put(job.id(), jobThreads.submit(() -> runGuarded(job)));
                }
                synchronized (wake) {
                    wake.wait(500);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                log.accept("job runner: " + Failures.message(e) + "; retrying in 1 s");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Runs one job on its own thread; an unexpected failure is retried, and fails the job the third time. */
    private void runGuarded(JobRecord job) {
        try {
            run(job);
            unexpected.remove(job.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the runner is closing; the job resumes under the next coordinator
        } catch (RuntimeException e) {
            if (!running) return;
            int n = unexpected.merge(job.id(), 1, Integer::sum);
            if (n >= MAX_UNEXPECTED) {
                unexpected.remove(job.id());
                try {
                    finish(store.get(job.id()).orElse(job).withState(JobState.FAILED, "internal error: " + Failures.message(e)));
                } catch (RuntimeException ignored) {
                    // the cluster itself is failing; the next round retries
                }
            } else {
                log.accept("job " + job.id() + ": " + Failures.message(e) + "; retrying in 1 s");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            active.remove(job.id());
            poke();
        }
    }

    private void run(JobRecord job) throws InterruptedException {
        if (store.cancelRequested(job.id())) {
            finish(job.withState(JobState.CANCELLED, null));
            return;
        }
        if (job.state() == JobState.QUEUED) {
            log.accept("job " + job.id() + ": " + job.spec().task().wireName() + " of " + job.documentIds().size()
                    + " document(s) started");
        } else {
            log.accept("job " + job.id() + ": resuming (" + job.segmentsFinished() + "/" + job.segmentsTotal() + " segments done)");
        }
        JobRunState state = new JobRunState(job.withState(JobState.RUNNING, null));
        store.put(state.get());
        long t0 = System.nanoTime();
        try {
            JobResult result = switch (job.spec().task()) {
                case SCORE, EMBED -> documents(state, t0);
                case ASK -> ask(state.get());
                case GENERATE -> generate(state.get());
            };
            store.putResult(job.id(), json.writeValueAsString(result));
            finish(state.update(j -> j.withState(JobState.SUCCEEDED, null)));
            metrics.jobFinished("succeeded");
        } catch (SegmentExecutor.CancelledException e) {
            finish(state.update(j -> j.withState(JobState.CANCELLED, null)));
            metrics.jobFinished("cancelled");
        } catch (SegmentExecutor.SegmentFailedException | WorkerLeases.NoWorkersException | JobFailedException e) {
            finish(state.update(j -> j.withState(JobState.FAILED, e.getMessage())));
            metrics.jobFinished("failed");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            finish(state.update(j -> j.withState(JobState.FAILED, "result could not be written: " + e.getMessage())));
        }
    }

    private void finish(JobRecord job) {
        store.put(job);
        progress.accept(job);
        log.accept("job " + job.id() + ": " + job.state() + (job.error() == null ? "" : " (" + job.error() + ")"));
    }

    private DocumentsResult documents(JobRunState state, long t0) throws InterruptedException {
        JobRecord job = state.get();
        if (job.spec().workers() == 0) { // every healthy worker, counted once at least one is there
            int ready = awaitHealthyWorkers(job.id());
            job = state.update(j -> j.withWorkers(ready));
        }
        int p = job.spec().workers();
        int rings = Math.max(1, Math.min(job.documentIds().size(), leases.healthy().size() / p));
        ExecutorService docs = Executors.newFixedThreadPool(rings, Thread.ofPlatform().name("ringmem-doc-", 0).daemon().factory());
        try {
            List<Future<List<SegmentOutcome>>> futures = new ArrayList<>();
            for (int d = 0; d < job.documentIds().size(); d++) {
                int doc = d;
                futures.add(docs.submit(() -> document(state, doc)));
            }
            List<List<SegmentOutcome>> outcomes = new ArrayList<>();
            for (Future<List<SegmentOutcome>> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new JobFailedException(Failures.message(e));
                }
            }
            return ResultBuilder.documentsResult(state.get(), outcomes, (System.nanoTime() - t0) / 1e9);
        } finally {
            docs.shutdownNow();
            docs.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Waits (up to the acquire timeout) for at least one healthy worker; returns how many there are. */
    private int awaitHealthyWorkers(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + settings.acquireTimeout().toNanos();
        while (true) {
            int n = leases.healthy().size();
            if (n > 0) return Math.min(n, 64);
            if (store.cancelRequested(jobId)) throw new SegmentExecutor.CancelledException();
            if (System.nanoTime() > deadline) {
                throw new WorkerLeases.NoWorkersException("no worker joined within " + settings.acquireTimeout().toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private List<SegmentOutcome> document(JobRunState state, int doc) throws InterruptedException {
        JobRecord job = state.get();
        String id = job.documentIds().get(doc);
        int[] ids = store.document(job.id(), doc);
        List<SegmentOutcome> out = new ArrayList<>();
        SegmentConfig settings = job.spec().settings().resolvedFor(ids.length, 0); // positions auto → this document's policy
        for (int s = 0; s < job.segments()[doc]; s++) {
            if (s < state.get().segmentsDone()[doc]) {
                out.add(store.outcome(job.id(), doc, s)
                        .orElseThrow(() -> new JobFailedException("outcome of a finished segment is missing")));
                continue;
            }
            SegmentOutcome o = segments.run(job.id(), id, ids, s, job.spec().workers(), settings,
                    job.spec().task() == Task.EMBED, () -> store.cancelRequested(job.id()),
                    () -> { state.update(JobRecord::withFailedAttempt); metrics.failedAttempt(); });
            store.putOutcome(job.id(), doc, s, o);
            int done = s + 1;
            JobRecord now = state.update(j -> j.withSegmentDone(doc, done));
            metrics.segment(o);
            progress.accept(now);
            out.add(o);
        }
        return out;
    }

    private AskResult ask(JobRecord job) throws InterruptedException {
        List<AskResult.Answer> docs = new ArrayList<>();
        for (String doc : job.documentIds()) {
            TokensResult r = oneWorker(new AskTask(doc, job.spec().question(), job.spec().maxTokens(), stopIds(), job.spec().settings()),
                    () -> store.cancelRequested(job.id()));
            docs.add(new AskResult.Answer(doc, text(r.ids()), r.ids().length, r.worker(), r.ids()));
        }
        return new AskResult(job.id(), Task.ASK.wireName(), docs);
    }

    private GenerateResult generate(JobRecord job) throws InterruptedException {
        JobSpec s = job.spec();
        TokensResult r = oneWorker(new GenerateTask(s.question(), s.maxTokens(), s.temperature(), s.topP(), s.seed(), stopIds()),
                () -> store.cancelRequested(job.id()));
        return new GenerateResult(job.id(), Task.GENERATE.wireName(), text(r.ids()), r.ids().length, r.worker(), r.ids());
    }

    private <R extends Serializable> R oneWorker(io.ringmem.protocol.WorkerRequest<R> request,
                                                         BooleanSupplier cancelled) throws InterruptedException {
        String last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (cancelled.getAsBoolean()) throw new SegmentExecutor.CancelledException();
            List<WorkerRef> one = leases.acquire(1, settings.acquireTimeout(), cancelled)
                    .orElseThrow(SegmentExecutor.CancelledException::new);
            try {
                return gateway.call(one.getFirst(), request).get(settings.segmentTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                String m = Failures.message(e);
                if (leases.probe(one, settings.probeTimeout()).isEmpty()) throw new JobFailedException(m);
                last = m;
            } finally {
                leases.release(one);
            }
        }
        throw new JobFailedException(last);
    }

    private int[] stopIds() {
        return tokenizer != null && tokenizer.eos() >= 0 ? new int[]{tokenizer.eos()} : new int[0];
    }

    /** The text of generated ids, or null when the model has no tokenizer (the ids are in the result too). */
    private String text(int[] ids) {
        return tokenizer == null ? null : tokenizer.decode(ids);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        jobThreads.shutdownNow();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job failed for a reason its message states. */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(String message) {
            super(message, null, false, false);
        }
    }

    /** The running job's record, updated by the document threads one at a time. */
    private final class JobRunState {
        private JobRecord record;

        JobRunState(JobRecord record) {
            this.record = record;
        }

        synchronized JobRecord get() {
            return record;
        }

        synchronized JobRecord update(UnaryOperator<JobRecord> change) {
            record = change.apply(record);
            store.put(record);
            return record;
        }
    }
}
