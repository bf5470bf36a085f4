package io.ringmem.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.api.DocumentDeletion;
import io.ringmem.api.JobPage;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.WorkerInfo;
import io.ringmem.coordinator.auth.Caller;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The coordinator's operations, as the REST API and the embedded mode call them: submit (validate, store, wake
 * the runner), status, result, cancel, list (paged), delete a document's data. Refusals are {@link ApiException}s with a
 * 4xx status.
 *
 * <p>Tenancy: every operation acts for a {@link Caller}. A job is owned by the caller that submitted it; a
 * non-admin caller sees, reads and cancels only its own jobs, and another's job is a 404 exactly like an unknown
 * one (its existence is not revealed). A caller may have at most {@code maxActiveJobs} jobs QUEUED or RUNNING
 * (429 beyond). The overloads without a caller act as {@link Caller#LOCAL} (admin, unlimited): the embedded mode.
 */
public final class CoordinatorService {
    private final JobStore store;
    private final JobValidator validator;
    private final JobRunner runner;
    private final CoordinatorMetrics metrics;
    private final ObjectMapper json = new ObjectMapper();

    private final WorkerGateway gateway;
    private final DocumentEraser eraser;

    /** Removes what the cluster stores for a document outside the job store (states, KV blocks); returns entries removed. */
    @FunctionalInterface
    public interface DocumentEraser {
        int erase(String documentId);
    }

    /** A service whose document deletion reaches only the job store's entries (tests without states or blocks). */
    public CoordinatorService(JobStore store, JobValidator validator, JobRunner runner, CoordinatorMetrics metrics,
                              WorkerGateway gateway) {
        this(store, validator, runner, metrics, gateway, doc -> 0);
    }

    public CoordinatorService(JobStore store, JobValidator validator, JobRunner runner, CoordinatorMetrics metrics,
                              WorkerGateway gateway, DocumentEraser eraser) {
        this.gateway = gateway;
        this.eraser = eraser;
        this.store = store;
        this.validator = validator;
        this.runner = runner;
        this.metrics = metrics;
    }

    /** Seconds a client over its active-job quota is told to wait ({@code Retry-After}). */
    static final long QUOTA_RETRY_AFTER_SECONDS = 5;

    private final Object quotaLock = new Object();

    /** Validates and queues a job for {@link Caller#LOCAL}; returns its status. */
    public JobStatus submit(JobRequest request) {
        return submit(request, Caller.LOCAL);
    }

    /** Validates and queues a job owned by {@code caller}; 429 when the caller has its quota of active jobs. */
    public JobStatus submit(JobRequest request, Caller caller) {
        if (caller.limits().maxActiveJobs() < Integer.MAX_VALUE) checkQuota(caller);
        String id = "job-" + UUID.randomUUID().toString().substring(0, 13);
        JobSpec spec;
        try {
            spec = validator.validate(request, id);
        } catch (ApiException e) {
            metrics.rejected();
            throw e;
        }
        List<String> docIds = new ArrayList<>();
        List<JobSpec.DocumentSpec> bare = new ArrayList<>();
        int[] segments = new int[spec.documents().size()];
        for (int d = 0; d < segments.length; d++) {
            JobSpec.DocumentSpec doc = spec.documents().get(d);
            docIds.add(doc.id());
            bare.add(new JobSpec.DocumentSpec(doc.id(), new int[0]));
            int s = spec.settings().segmentTokens();
            segments[d] = spec.task().processesDocuments() ? (doc.ids().length + s - 1) / s : 0;
            if (spec.task().processesDocuments()) store.putDocument(id, d, doc.ids());
        }
        JobSpec stored = new JobSpec(spec.task(), bare, spec.workers(), spec.settings(), spec.question(), spec.maxTokens(),
                spec.temperature(), spec.topP(), spec.seed(), spec.tokenNll());
        long now = System.currentTimeMillis();
        JobRecord job = new JobRecord(id, store.nextSeq(), JobState.QUEUED, now, now, stored, docIds, segments,
                new int[segments.length], 0, null, caller.id());
        if (caller.limits().maxActiveJobs() < Integer.MAX_VALUE) {
            synchronized (quotaLock) { // check and store together: concurrent submits of one key cannot pass the quota
                checkQuota(caller);
                store.put(job);
            }
        } else {
            store.put(job);
        }
        metrics.submitted();
        runner.poke();
        return status(job);
    }

    private void checkQuota(Caller caller) {
        long active = store.list().stream().filter(j -> j.owner().equals(caller.id()) && !j.state().finished()).count();
        if (active >= caller.limits().maxActiveJobs()) {
            throw new ApiException(429, "key '" + caller.id() + "' has " + active + " active jobs, its quota is "
                    + caller.limits().maxActiveJobs() + "; wait for one to finish", QUOTA_RETRY_AFTER_SECONDS);
        }
    }

    public JobRecord record(String id) {
        return record(id, Caller.LOCAL);
    }

    /** The job if {@code caller} may see it; 404 for an unknown job and for another tenant's job alike. */
    public JobRecord record(String id, Caller caller) {
        return store.get(id).filter(j -> caller.mayAccess(j.owner()))
                .orElseThrow(() -> new ApiException(404, "no job '" + id + "'"));
    }

    public JobStatus status(String id) {
        return status(id, Caller.LOCAL);
    }

    public JobStatus status(String id, Caller caller) {
        return status(record(id, caller));
    }

    /** The result of a finished job; 409 while it is not. */
    public JobResult result(String id) {
        return result(id, Caller.LOCAL);
    }

    public JobResult result(String id, Caller caller) {
        JobRecord job = record(id, caller);
        if (job.state() != JobState.SUCCEEDED) {
            throw new ApiException(409, "job '" + id + "' is " + job.state() + (job.error() == null ? "" : ": " + job.error())
                    + (job.state().finished() ? "; it has no result" : "; the result is not ready yet"));
        }
        String result = store.result(id).orElseThrow(() -> new ApiException(500, "result of job '" + id + "' is missing"));
        try {
            return json.readValue(result, JobResult.class);
        } catch (JsonProcessingException e) {
            throw new ApiException(500, "stored result of job '" + id + "' is damaged");
        }
    }

    public JobStatus cancel(String id) {
        return cancel(id, Caller.LOCAL);
    }

    public JobStatus cancel(String id, Caller caller) {
        JobRecord job = record(id, caller);
        if (job.state().finished()) return status(job);
        store.requestCancel(id);
        if (job.state() == JobState.QUEUED) {
            // not started: cancelled at once (a runner picking it up right now sees the request and stops it too)
            job = job.withState(JobState.CANCELLED, null);
            store.put(job);
        }
        runner.poke();
        return status(job);
    }

    public List<JobStatus> list() {
        return list(Caller.LOCAL);
    }

    /** The caller's jobs (an admin's: every job), newest first. */
    public List<JobStatus> list(Caller caller) {
        return store.list().stream().filter(j -> caller.mayAccess(j.owner())).map(this::status).toList();
    }

    /**
     * One page of jobs, newest first (submission order, stable): at most {@code limit} (default
     * {@link JobPage#DEFAULT_LIMIT}, 1..{@link JobPage#MAX_LIMIT}) jobs submitted before the job whose page token is
     * {@code after}. Reads every job record of the cluster (bounded by the job retention) and returns one page.
     *
     * @param limit raw query parameter or null; 400 when not an integer in range
     * @param after raw page token or null; 400 when malformed
     */
    public JobPage page(String limit, String after) {
        return page(limit, after, Caller.LOCAL);
    }

    /** {@link #page(String, String)} of the jobs the caller may see (an admin's: every job). */
    public JobPage page(String limit, String after, Caller caller) {
        int n = JobPage.DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > JobPage.MAX_LIMIT) {
                throw new ApiException(400, "limit must be an integer in 1.." + JobPage.MAX_LIMIT + ", got '" + limit + "'");
            }
        }
        long before = Long.MAX_VALUE;
        if (after != null) {
            try {
                before = Long.parseLong(after.strip());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "after is not a page token of GET /v1/jobs: '" + after + "'");
            }
        }
        long bound = before;
        List<JobRecord> older = store.list().stream().filter(j -> j.seq() < bound && caller.mayAccess(j.owner())).toList();
        List<JobRecord> page = older.subList(0, Math.min(n, older.size()));
        Optional<String> next = older.size() > n ? Optional.of(Long.toString(page.getLast().seq())) : Optional.empty();
        return new JobPage(page.stream().map(this::status).toList(), next);
    }

    /**
     * Removes everything stored for a document: its KV blocks and their index, carried states, block summaries and
     * in-flight shards, and in every job that names it its submitted token ids and per-segment outcomes. 409 while a
     * queued or running job names it; 404 when nothing was stored for it. Document ids are one namespace for all
     * tenants, so the REST API lets only an admin key call this.
     */
    public DocumentDeletion deleteDocument(String documentId) {
        if (documentId == null || !JobValidator.DOCUMENT_ID.matcher(documentId).matches()) {
            throw new ApiException(400, "not a document id: '" + documentId + "' (must match " + JobValidator.DOCUMENT_ID.pattern() + ")");
        }
        for (JobRecord j : store.list()) {
            if (!j.state().finished() && j.documentIds().contains(documentId)) {
                throw new ApiException(409, "document '" + documentId + "' is in use by job '" + j.id() + "' (" + j.state()
                        + "); cancel it or wait for it to finish");
            }
        }
        int removed = store.deleteDocument(documentId) + eraser.erase(documentId);
        if (removed == 0) throw new ApiException(404, "nothing is stored for document '" + documentId + "'");
        return new DocumentDeletion(documentId, removed);
    }

    /** The workers that serve this coordinator's model: name and ring address. */
    public List<WorkerInfo> workers() {
        return gateway.workers().stream().map(w -> new WorkerInfo(w.name(), w.ringAddress())).toList();
    }

    public JobStatus status(JobRecord job) {
        int total = job.segmentsTotal(), done = job.segmentsFinished();
        boolean succeeded = job.state() == JobState.SUCCEEDED;
        JobStatus.Progress p = new JobStatus.Progress(succeeded ? job.documentIds().size() : job.documentsDone(),
                job.documentIds().size(), done, total, succeeded ? 1.0 : total == 0 ? 0.0 : (double) done / total);
        boolean cancelling = job.state() == JobState.RUNNING && store.cancelRequested(job.id());
        return new JobStatus(job.id(), job.state(), job.spec().task().wireName(), Instant.ofEpochMilli(job.submittedAt()).toString(),
                Instant.ofEpochMilli(job.updatedAt()).toString(), job.attempts(), job.spec().workers() > 0 ? job.spec().workers() : null,
                p, job.error(), cancelling ? Boolean.TRUE : null);
    }
}
