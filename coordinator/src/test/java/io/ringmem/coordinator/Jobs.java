package io.ringmem.coordinator;

import java.util.ArrayList;
import java.util.List;

/** A mutable builder of {@link JobRequest}s for tests (the record has 17 components). */
public final class Jobs {
    String task, model, kvCodec, question, prompt;
    List<JobRequest.DocumentInput> documents;
    Integer workers, segmentTokens, retrieveTopK, sinkTokens, windowTokens, kvBlockTokens, maxTokens;
    Double temperature, topP;
    Long seed;
    Boolean tokenNll;

    public static Jobs task(String task) {
        Jobs j = new Jobs();
        j.task = task;
        return j;
    }

    public static JobRequest.DocumentInput text(String id, String text) {
        return new JobRequest.DocumentInput(id, text, null);
    }

    public static JobRequest.DocumentInput tokens(String id, int... tokens) {
        return new JobRequest.DocumentInput(id, null, tokens);
    }

    public static JobRequest.DocumentInput ref(String id) {
        return new JobRequest.DocumentInput(id, null, null);
    }

    public Jobs docs(JobRequest.DocumentInput... docs) {
        documents = docs == null ? null : new ArrayList<>(java.util.Arrays.asList(docs));
        return this;
    }

    public Jobs model(String m) { model = m; return this; }
    public Jobs workers(Integer w) { workers = w; return this; }
    public Jobs segmentTokens(Integer s) { segmentTokens = s; return this; }
    public Jobs kvCodec(String c) { kvCodec = c; return this; }
    public Jobs retrieveTopK(Integer k) { retrieveTopK = k; return this; }
    public Jobs sinkTokens(Integer s) { sinkTokens = s; return this; }
    public Jobs windowTokens(Integer w) { windowTokens = w; return this; }
    public Jobs kvBlockTokens(Integer b) { kvBlockTokens = b; return this; }
    public Jobs question(String q) { question = q; return this; }
    public Jobs prompt(String p) { prompt = p; return this; }
    public Jobs maxTokens(Integer m) { maxTokens = m; return this; }
    public Jobs temperature(Double t) { temperature = t; return this; }
    public Jobs topP(Double p) { topP = p; return this; }
    public Jobs seed(Long s) { seed = s; return this; }
    public Jobs tokenNll(Boolean t) { tokenNll = t; return this; }

    public JobRequest build() {
        return new JobRequest(task, model, documents, workers, segmentTokens, kvCodec, retrieveTopK, sinkTokens, windowTokens,
                kvBlockTokens, question, prompt, maxTokens, temperature, topP, seed, tokenNll);
    }
}
