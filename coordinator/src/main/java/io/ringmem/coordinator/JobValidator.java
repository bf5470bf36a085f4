package io.ringmem.coordinator;

import io.ringmem.RingmemException;
import io.ringmem.api.JobRequest;
import io.ringmem.model.ModelConfig;
import io.ringmem.segment.MemoryNeed;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns a {@link JobRequest} into a {@link JobSpec}, or refuses it with an {@link ApiException} whose message says
 * what to change. Nothing is stored before validation passes, so a refused request changes nothing.
 */
public final class JobValidator {
    /** Document ids are store keys and parts of ring session names. */
    /** Sampling temperature at most. */
    static final double MAX_TEMPERATURE = 100;
    static final Pattern DOCUMENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    private final String modelName;
    private final int vocabSize;
    private final Tokenizer tokenizer;
    private final JobLimits limits;
    private final Predicate<String> processed; // document id → has stored state

    private final int modelContext; // the model's trained context, 0 when unknown
    private final MemoryBudget memory; // null: no memory check

    /**
     * What a score or embed job may need in memory ({@link MemoryNeed#segments}): checked against {@code bytes} at
     * each submit, 413 beyond.
     *
     * @param storeHere whether the budget is this JVM's heap, which also holds the store (embedded mode): then the
     *                  whole estimated heap counts; otherwise only the store's bytes count against the store capacity
     * @param bytes     the budget now (the JVM's maximum heap, or the store's capacity over the current members);
     *                  a value <= 0 means unknown: no check
     * @param hint      what the user can do instead, for the message
     */
    public record MemoryBudget(ModelConfig model, boolean storeHere, LongSupplier bytes, String hint) {
    }

    /** A validator that does not know the model's trained context (positions auto then keeps document positions). */
    public JobValidator(String modelName, int vocabSize, Tokenizer tokenizer, JobLimits limits, Predicate<String> processed) {
        this(modelName, vocabSize, tokenizer, limits, processed, 0);
    }

    /** @param modelContext the model's trained context (max_position_embeddings), the default of contextTokens */
    public JobValidator(String modelName, int vocabSize, Tokenizer tokenizer, JobLimits limits, Predicate<String> processed,
                        int modelContext) {
        this(modelName, vocabSize, tokenizer, limits, processed, modelContext, null);
    }

    private JobValidator(String modelName, int vocabSize, Tokenizer tokenizer, JobLimits limits, Predicate<String> processed,
                         int modelContext, MemoryBudget memory) {
        this.memory = memory;
        this.modelContext = modelContext;
        this.modelName = modelName;
        this.vocabSize = vocabSize;
        this.tokenizer = tokenizer;
        this.limits = limits;
        this.processed = processed;
    }

    /** This validator, also refusing (413) a score or embed job over {@code budget}. */
    public JobValidator withMemoryBudget(MemoryBudget budget) {
        return new JobValidator(modelName, vocabSize, tokenizer, limits, processed, modelContext, budget);
    }

    public JobSpec validate(JobRequest r, String jobId) {
        if (r == null) throw bad("the request body is empty: send a JSON job (see docs/cluster.md)");
        Task task = task(r.task());
        if (r.model() != null && !r.model().equals(modelName)) {
            throw new ApiException(404, "unknown model '" + r.model() + "': this cluster serves '" + modelName + "'");
        }
        int workers = r.workers() == null ? 0 : r.workers();
        if (r.workers() != null) range("workers", workers, 1, limits.maxWorkers(), "");
        SegmentConfig settings = settings(r);
        int maxTokens = r.maxTokens() == null ? Math.min(32, limits.maxNewTokens()) : r.maxTokens();
        range("maxTokens", maxTokens, 1, limits.maxNewTokens(), "");
        double temperature = r.temperature() == null ? 0 : r.temperature(), topP = r.topP() == null ? 1 : r.topP();
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            throw bad("temperature must be in 0.." + (int) MAX_TEMPERATURE + ", got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw bad("topP must be in (0, 1], got " + topP);
        int[] question = new int[0];
        List<JobSpec.DocumentSpec> docs = new ArrayList<>();
        switch (task) {
            case SCORE, EMBED -> {
                docs = documents(r, jobId, true);
                checkMemory(docs, settings, workers);
            }
            case ASK -> {
                if (r.question() == null || r.question().isBlank()) throw bad("an ask job needs a non-empty \"question\"");
                question = encode(r.question(), "a question");
                if (question.length == 0) throw bad("the question has no tokens");
                checkAlone("the question", question.length, maxTokens);
                docs = documents(r, jobId, false);
                for (JobSpec.DocumentSpec d : docs) {
                    if (!processed.test(d.id())) {
                        throw new ApiException(404, "document '" + d.id()
                                + "' has not been processed: run a score or embed job on it first");
                    }
                }
            }
            case GENERATE -> {
                if (r.prompt() == null || r.prompt().isEmpty()) throw bad("a generate job needs a non-empty \"prompt\"");
                if (r.documents() != null && !r.documents().isEmpty()) throw bad("a generate job takes a \"prompt\", not documents");
                question = withBos(encode(r.prompt(), "a prompt"));
                checkLength("the prompt", question.length);
                checkJobTokens(question.length);
                checkAlone("the prompt", question.length, maxTokens);
            }
        }
        return new JobSpec(task, docs, workers, settings, question, maxTokens, temperature, topP,
                r.seed() == null ? 0 : r.seed(), Boolean.TRUE.equals(r.tokenNll()));
    }

    private static Task task(String name) {
        if (name == null) throw bad("\"task\" is missing: use score, embed, ask or generate");
        try {
            return Task.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("unknown task '" + name + "': use score, embed, ask or generate");
        }
    }

    private List<JobSpec.DocumentSpec> documents(JobRequest r, String jobId, boolean needContent) {
        if (r.documents() == null || r.documents().isEmpty()) throw bad("\"documents\" is missing or empty");
        if (r.documents().size() > limits.maxDocuments()) {
            throw new ApiException(413, r.documents().size() + " documents exceed this coordinator's limit of " + limits.maxDocuments());
        }
        List<JobSpec.DocumentSpec> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long jobTokens = 0;
        for (int i = 0; i < r.documents().size(); i++) {
            JobRequest.DocumentInput d = r.documents().get(i);
            if (d == null) throw bad("document " + i + " is null");
            String id = d.id() == null ? jobId + "-doc-" + i : d.id();
            if (!DOCUMENT_ID.matcher(id).matches()) {
                throw bad("document id '" + id + "' is not valid: use letters, digits, '.', '_', ':' or '-' (at most 200)");
            }
            if (!seen.add(id)) throw bad("document id '" + id + "' appears twice in the job");
            if (!needContent) {
                if (d.text() != null || d.tokens() != null) {
                    throw bad("an ask job names processed documents by id only; document '" + id + "' has content");
                }
                out.add(new JobSpec.DocumentSpec(id, new int[0]));
                continue;
            }
            if ((d.text() == null) == (d.tokens() == null)) throw bad("document '" + id + "' needs exactly one of \"text\" or \"tokens\"");
            int[] ids;
            if (d.tokens() != null) {
                ids = d.tokens();
                for (int t : ids) {
                    if (t < 0 || t >= vocabSize) {
                        throw bad("document '" + id + "' has token id " + t + " outside the vocabulary (0.." + (vocabSize - 1) + ")");
                    }
                }
            } else {
                if (d.text().isBlank()) throw bad("document '" + id + "' is empty");
                ids = withBos(encode(d.text(), "document '" + id + "' as text"));
            }
            if (ids.length < 2) throw bad("document '" + id + "' has " + ids.length + " token(s); scoring needs at least 2");
            checkLength("document '" + id + "'", ids.length);
            jobTokens += ids.length;
            checkJobTokens(jobTokens);
            out.add(new JobSpec.DocumentSpec(id, ids));
        }
        return out;
    }

    private void checkLength(String what, int tokens) {
        if (tokens > limits.maxDocumentTokens()) {
            throw new ApiException(413, what + " has " + tokens + " tokens, over this coordinator's limit of "
                    + limits.maxDocumentTokens());
        }
    }

    /** The job's documents together, as one document of their total length (the store keeps them all), within the budget. */
    private void checkMemory(List<JobSpec.DocumentSpec> docs, SegmentConfig settings, int workers) {
        if (memory == null) return;
        long budget = memory.bytes().getAsLong();
        if (budget <= 0) return;
        long tokens = 0;
        for (JobSpec.DocumentSpec d : docs) tokens += d.ids().length;
        MemoryNeed need = MemoryNeed.segments(memory.model(), settings, tokens, Math.max(1, workers), memory.storeHere());
        try {
            if (memory.storeHere()) {
                need.require(budget, memory.hint());
            } else {
                need.requireStore(budget, memory.hint());
            }
        } catch (RingmemException e) {
            throw new ApiException(413, e.getMessage());
        }
    }

    /** A job's documents together (or a generate job's prompt): at most {@link JobLimits#maxJobTokens}, else 413. */
    private void checkJobTokens(long tokens) {
        if (tokens > limits.maxJobTokens()) {
            throw new ApiException(413, "the job has " + tokens + (tokens == 1 ? " token" : " tokens")
                    + " or more, over this coordinator's limit of " + limits.maxJobTokens()
                    + " tokens per job (maxJobTokens, --max-job-tokens)");
        }
    }

    /** What one worker runs alone (an ask question or a generate prompt, plus the answer): one segment at most. */
    private void checkAlone(String what, int tokens, int maxTokens) {
        if ((long) tokens + maxTokens > limits.maxSegmentTokens()) {
            throw new ApiException(413, what + " has " + tokens + " tokens; with maxTokens " + maxTokens + " that is over the "
                    + limits.maxSegmentTokens() + " tokens one worker runs alone (maxSegmentTokens)");
        }
    }

    private int[] encode(String text, String what) {
        if (tokenizer == null) {
            throw bad("model '" + modelName + "' has no tokenizer, so " + what + " cannot be tokenized: send token ids (\"tokens\")");
        }
        return tokenizer.encode(text);
    }

    private int[] withBos(int[] ids) {
        if (tokenizer == null || tokenizer.bos() < 0) return ids;
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /**
     * The segment settings of the request: {@link SegmentConfig}'s defaults for the fields it leaves out. Each field
     * given is range-checked (400 naming it): segmentTokens in 1..maxSegmentTokens; sinkTokens and windowTokens in
     * 0..segmentTokens; kvBlockTokens in 1..segmentTokens; retrieveTopK in 0..maxRetrieveTopK, and the retrieved
     * context (retrieveTopK * kvBlockTokens) at most maxSegmentTokens; positions one of auto, window, document;
     * contextTokens at least 1 (default: the model's trained context).
     */
    SegmentConfig settings(JobRequest r) {
        int s = r.segmentTokens() == null ? SegmentConfig.DEFAULT_SEGMENT_TOKENS : r.segmentTokens();
        range("segmentTokens", s, 1, limits.maxSegmentTokens(), "");
        String ofSegment = " (segmentTokens " + s + ")";
        if (r.sinkTokens() != null) range("sinkTokens", r.sinkTokens(), 0, s, ofSegment);
        if (r.windowTokens() != null) range("windowTokens", r.windowTokens(), 0, s, ofSegment);
        if (r.kvBlockTokens() != null) range("kvBlockTokens", r.kvBlockTokens(), 1, s, ofSegment);
        if (r.retrieveTopK() != null) range("retrieveTopK", r.retrieveTopK(), 0, limits.maxRetrieveTopK(), "");
        if (r.contextTokens() != null && r.contextTokens() < 1) throw bad("contextTokens must be >= 1, got " + r.contextTokens());
        if (r.retrievalCandidates() != null) range("retrievalCandidates", r.retrievalCandidates(), 0, 64 * limits.maxRetrieveTopK(), "");
        if (r.indexSegments() != null) range("indexSegments", r.indexSegments(), 0, Integer.MAX_VALUE, "");
        SegmentConfig c;
        try {
            c = SegmentConfig.builder().segmentTokens(r.segmentTokens()).codec(r.kvCodec()).windowTokens(r.windowTokens())
                    .sinkTokens(r.sinkTokens()).retrieveTopK(r.retrieveTopK()).blockTokens(r.kvBlockTokens())
                    .keepRatio(r.kvKeepRatio()).memoryTokens(r.memoryTokens()).positions(r.positions())
                    .contextTokens(r.contextTokens() != null ? r.contextTokens() : modelContext > 0 ? Integer.valueOf(modelContext) : null)
                    .retrievalScoring(r.retrievalScoring()).retrievalCandidates(r.retrievalCandidates()).summaryKeys(r.summaryKeys())
                    .retrievalIndex(r.retrievalIndex()).indexSegments(r.indexSegments()).build();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        if ((long) c.retrieveTopK() * c.blockTokens() > limits.maxSegmentTokens()) {
            throw bad("retrieveTopK * kvBlockTokens (" + c.retrieveTopK() + " * " + c.blockTokens() + ") must be at most "
                    + limits.maxSegmentTokens() + " retrieved tokens");
        }
        return c;
    }

    /** A 400 naming the field unless {@code min <= value <= max}. */
    private static void range(String field, int value, int min, int max, String why) {
        if (value < min || value > max) throw bad(field + " must be in " + min + ".." + max + why + ", got " + value);
    }

    private static ApiException bad(String message) {
        return new ApiException(400, message);
    }
}
