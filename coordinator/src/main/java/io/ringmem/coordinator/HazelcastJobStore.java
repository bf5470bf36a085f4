package io.ringmem.coordinator;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.protocol.ClusterNames;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@link JobStore} on the cluster's maps (see {@link ClusterNames}); values are Java-serialized records. */
public final class HazelcastJobStore implements JobStore {
    private final IMap<String, JobRecord> jobs;
    private final IMap<String, int[]> documents;
    private final IMap<String, SegmentOutcome> outcomes;
    private final IMap<String, String> results;
    private final HazelcastInstance hz;

    public HazelcastJobStore(HazelcastInstance hz) {
        this.hz = hz;
        this.jobs = hz.getMap(ClusterNames.JOBS);
        this.documents = hz.getMap(ClusterNames.DOCUMENTS);
        this.outcomes = hz.getMap(ClusterNames.OUTCOMES);
        this.results = hz.getMap(ClusterNames.RESULTS);
    }

    @Override
    public void put(JobRecord job) {
        jobs.set(job.id(), job);
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public List<JobRecord> list() {
        List<JobRecord> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparingLong(JobRecord::seq).reversed());
        return all;
    }

    @Override
    public void putDocument(String jobId, int document, int[] ids) {
        documents.set(jobId + "#" + document, ids);
    }

    @Override
    public int[] document(String jobId, int document) {
        int[] ids = documents.get(jobId + "#" + document);
        if (ids == null) {
            throw new IllegalStateException("tokens of document " + document + " of job " + jobId + " are missing from the cluster");
        }
        return ids;
    }

    @Override
    public void putOutcome(String jobId, int document, int segment, SegmentOutcome outcome) {
        outcomes.set(jobId + "#" + document + "#" + segment, outcome);
    }

    @Override
    public Optional<SegmentOutcome> outcome(String jobId, int document, int segment) {
        return Optional.ofNullable(outcomes.get(jobId + "#" + document + "#" + segment));
    }

    @Override
    public void putResult(String jobId, String json) {
        results.set(jobId, json);
    }

    @Override
    public Optional<String> result(String jobId) {
        return Optional.ofNullable(results.get(jobId));
    }

    @Override
    public void requestCancel(String jobId) {
        results.set(jobId + "#cancel", "cancel");
    }

    @Override
    public boolean cancelRequested(String jobId) {
        return results.containsKey(jobId + "#cancel");
    }

    @Override
    public long nextSeq() {
        return hz.getFlakeIdGenerator("ringmem-job-seq").newId();
    }
}
