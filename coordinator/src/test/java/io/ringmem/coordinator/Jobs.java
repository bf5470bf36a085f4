package io.ringmem.coordinator;

import java.util.ArrayList;
import java.util.List;

/** A mutable builder of {@link JobRequest}s for tests (the record has 17 components). */
final class Jobs {
    String task, model, kvCodec, question, prompt;
    List<JobRequest.DocumentInput> documents;
    Integer workers, segmentTokens, retrieveTopK, sinkTokens, windowTokens, kvBlockTokens, maxTokens;
    Double temperature, topP;
    Long seed;
    Boolean tokenNll;

    static Jobs task(String task) {
        Jobs j = new Jobs();
        j.task = task;
        return j;
    }

    static JobRequest.DocumentInput text(String id, String text) {
        return new JobRequest.DocumentInput(id, text, null);
    }

    static JobRequest.DocumentInput tokens(String id, int... tokens) {
        return new JobRequest.DocumentInput(id, null, tokens);
    }

    static JobRequest.DocumentInput ref(String id) {
        return new JobRequest.DocumentInput(id, null, null);
    }

    Jobs docs(JobRequest.DocumentInput... docs) {
        documents = docs == null ? null : new ArrayList<>(java.util.Arrays.asList(docs));
        return this;
    }

    Jobs model(String m) { model = m; return this; }
    Jobs workers(Integer w) { workers = w; return this; }
    Jobs segmentTokens(Integer s) { segmentTokens = s; return this; }
    Jobs kvCodec(String c) { kvCodec = c; return this; }
    Jobs retrieveTopK(Integer k) { retrieveTopK = k; return this; }
    Jobs sinkTokens(Integer s) { sinkTokens = s; return this; }
    Jobs windowTokens(Integer w) { windowTokens = w; return this; }
    Jobs kvBlockTokens(Integer b) { kvBlockTokens = b; return this; }
    Jobs question(String q) { question = q; return this; }
    Jobs prompt(String p) { prompt = p; return this; }
    Jobs maxTokens(Integer m) { maxTokens = m; return this; }
    Jobs temperature(Double t) { temperature = t; return this; }
    Jobs topP(Double p) { topP = p; return this; }
    Jobs seed(Long s) { seed = s; return this; }
    Jobs tokenNll(Boolean t) { tokenNll = t; return this; }

    JobRequest build() {
        return new JobRequest(task, model, documents, workers, segmentTokens, kvCodec, retrieveTopK, sinkTokens, windowTokens,
                kvBlockTokens, question, prompt, maxTokens, temperature, topP, seed, tokenNll);
    }
}
