package io.ringmem.coordinator;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.api.JobState;
import io.ringmem.cluster.RecordCodec;
import io.ringmem.cluster.TaskCodec;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.store.crypto.StoreCipher;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link JobStore} on the cluster's maps (see {@link ClusterNames}). Records and outcomes are Kryo bytes
 * ({@link RecordCodec}, registration required), token ids raw little-endian ints, results UTF-8 JSON; every value is
 * sealed by the member's cipher ({@link TaskCodec#of}: AES-GCM under the cluster secret, bound to map and key), so a
 * stranger reads nothing and a record it forges or moves is refused. Entries expire after the job retention
 * ({@link io.ringmem.cluster.Retention#jobs}).
 */
public final class HazelcastJobStore implements JobStore {
    private final IMap<String, byte[]> jobs;
    private final IMap<String, byte[]> documents;
    private final IMap<String, byte[]> outcomes;
    private final IMap<String, byte[]> results;
    private final HazelcastInstance hz;
    private final StoreCipher cipher;
    private final RecordCodec records = new RecordCodec(List.of(JobRecord.class, JobSpec.class, JobSpec.DocumentSpec.class,
            SegmentOutcome.class, SegmentConfig.class, Task.class, JobState.class, Positions.class,
            RetrievalScoring.class, IndexLayout.class), Map.of());

    public HazelcastJobStore(HazelcastInstance hz) {
        this.hz = hz;
        this.jobs = hz.getMap(ClusterNames.JOBS);
        this.documents = hz.getMap(ClusterNames.DOCUMENTS);
        this.outcomes = hz.getMap(ClusterNames.OUTCOMES);
        this.results = hz.getMap(ClusterNames.RESULTS);
        this.cipher = TaskCodec.of(hz).cipher();
    }

    @Override
    public void put(JobRecord job) {
        jobs.set(job.id(), cipher.seal(ClusterNames.JOBS, job.id(), records.write(job)));
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(b -> job(jobId, b));
    }

    private JobRecord job(String jobId, byte[] sealed) {
        return records.read(cipher.open(ClusterNames.JOBS, jobId, sealed), JobRecord.class, "job record " + jobId);
    }

    @Override
    public List<JobRecord> list() {
        List<JobRecord> all = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : jobs.entrySet()) all.add(job(e.getKey(), e.getValue()));
        all.sort(Comparator.comparingLong(JobRecord::seq).reversed());
        return all;
    }

    @Override
    public void putDocument(String jobId, int document, int[] ids) {
        String key = jobId + "#" + document;
        ByteBuffer b = ByteBuffer.allocate(4 * ids.length);
        b.asIntBuffer().put(ids);
        documents.set(key, cipher.seal(ClusterNames.DOCUMENTS, key, b.array()));
    }

    @Override
    public int[] document(String jobId, int document) {
        String key = jobId + "#" + document;
        byte[] sealed = documents.get(key);
        if (sealed == null) {
            throw new IllegalStateException("tokens of document " + document + " of job " + jobId + " are missing from the cluster");
        }
        byte[] raw = cipher.open(ClusterNames.DOCUMENTS, key, sealed);
        int[] ids = new int[raw.length / 4];
        ByteBuffer.wrap(raw).asIntBuffer().get(ids);
        return ids;
    }

    @Override
    public void putOutcome(String jobId, int document, int segment, SegmentOutcome outcome) {
        String key = jobId + "#" + document + "#" + segment;
        outcomes.set(key, cipher.seal(ClusterNames.OUTCOMES, key, records.write(outcome)));
    }

    @Override
    public Optional<SegmentOutcome> outcome(String jobId, int document, int segment) {
        String key = jobId + "#" + document + "#" + segment;
        return Optional.ofNullable(outcomes.get(key)).map(b -> records.read(cipher.open(ClusterNames.OUTCOMES, key, b),
                SegmentOutcome.class, "outcome " + key));
    }

    @Override
    public void putResult(String jobId, String json) {
        results.set(jobId, cipher.seal(ClusterNames.RESULTS, jobId, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Optional<String> result(String jobId) {
        return Optional.ofNullable(results.get(jobId))
                .map(b -> new String(cipher.open(ClusterNames.RESULTS, jobId, b), StandardCharsets.UTF_8));
    }

    @Override
    public void requestCancel(String jobId) {
        String key = jobId + "#cancel";
        results.set(key, cipher.seal(ClusterNames.RESULTS, key, "cancel".getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean cancelRequested(String jobId) {
        String key = jobId + "#cancel";
        byte[] sealed = results.get(key);
        if (sealed == null) return false;
        cipher.open(ClusterNames.RESULTS, key, sealed); // a forged mark is an error, not a cancel
        return true;
    }

    @Override
    public int deleteDocument(String documentId) {
        int n = 0;
        for (JobRecord job : list()) {
            for (int d = 0; d < job.documentIds().size(); d++) {
                if (!job.documentIds().get(d).equals(documentId)) continue;
                n += documents.remove(job.id() + "#" + d) != null ? 1 : 0;
                for (int s = 0; s < job.segments()[d]; s++) {
                    n += outcomes.remove(job.id() + "#" + d + "#" + s) != null ? 1 : 0;
                }
            }
        }
        return n;
    }

    @Override
    public long nextSeq() {
        return hz.getFlakeIdGenerator("ringmem-job-seq").newId();
    }
}
