package io.ringmem.spark;

import io.ringmem.RingmemException;
import io.ringmem.forward.RunConfig;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.SegmentScoreResult;
import io.ringmem.segment.SegmentedScorer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

import java.time.Duration;
import java.util.Iterator;

/**
 * The local execution: every executor runs its partition's documents one after the other, each whole and in segment
 * mode ({@link SegmentedScorer}, the in-process scorer of {@code ringmem score --mode segments}), one rank, KV blocks
 * in memory for the document's lifetime. The model comes from the executor JVM's cache ({@link ExecutorModels}).
 * A document that cannot be scored gets its row's error; a failure of the model itself (a missing file) fails the task.
 */
final class LocalAnalysis implements MapPartitionsFunction<Row, Row> {
    private final AnalysisSpec spec;
    private final boolean tokens;

    LocalAnalysis(AnalysisSpec spec, boolean tokens) {
        this.spec = spec;
        this.tokens = tokens;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ExecutorModel model = ExecutorModels.get(spec);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                InputDocument doc = InputDocument.of(rows.next(), tokens);
                return ResultSchema.row(analyze(model, spec, doc), spec);
            }
        };
    }

    /** Scores one document in this JVM; a bad document or a document-level failure becomes the outcome's error. */
    static DocumentOutcome analyze(ExecutorModel model, AnalysisSpec spec, InputDocument doc) {
        try {
            int[] ids = doc.ids(model.tokenizer(), model.vocabSize(), spec.maxDocumentTokens());
            RunConfig run = new RunConfig(1, ShardSchedule.ZIGZAG, spec.blockTokens(), Duration.ofMinutes(10));
            InMemoryKvBlockStore store = new InMemoryKvBlockStore(model.llama().config().layers());
            SegmentScoreResult r = new SegmentedScorer(model.llama(), run, spec.segment(), store)
                    .score(ids, s -> { }, spec.task() == AnalysisTask.EMBED);
            return DocumentOutcome.of(doc.id(), ids.length, r.nll(), r.segments(), r.storeBytes(), r.compressionRatio(),
                    spec.tokenNll(), r.embedding());
        } catch (BadDocumentException | RingmemException e) {
            return DocumentOutcome.failed(doc.id(), e.getMessage());
        }
    }
}
