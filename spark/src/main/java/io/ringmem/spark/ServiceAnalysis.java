package io.ringmem.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The service execution: each task sends its partition's documents to the coordinator ({@link ServiceCalls}), keeping
 * at most {@link ServiceSettings#maxInFlight()} documents submitted and not yet collected, and returns the rows in the
 * input's order. Memory per task: the in-flight documents and their results, not the partition.
 */
final class ServiceAnalysis implements MapPartitionsFunction<Row, Row> {
    private final AnalysisSpec spec;
    private final boolean tokens;

    ServiceAnalysis(AnalysisSpec spec, boolean tokens) {
        this.spec = spec;
        this.tokens = tokens;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ServiceCalls calls = new ServiceCalls(spec);
        int window = spec.service().maxInFlight();
        ExecutorService pool = Executors.newFixedThreadPool(window, Thread.ofPlatform().name("ringmem-service-", 0).daemon().factory());
        TaskContext task = TaskContext.get();
        if (task != null) task.addTaskCompletionListener((TaskCompletionListener) t -> pool.shutdownNow()); // also when the task is killed
        return new Iterator<>() {
            private final ArrayDeque<Future<DocumentOutcome>> inFlight = new ArrayDeque<>();

            private void fill() {
                while (inFlight.size() < window && rows.hasNext()) {
                    InputDocument doc = InputDocument.of(rows.next(), tokens);
                    inFlight.add(pool.submit(() -> calls.analyze(doc)));
                }
                if (inFlight.isEmpty()) pool.shutdown();
            }

            @Override
            public boolean hasNext() {
                fill();
                return !inFlight.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                try {
                    return ResultSchema.row(inFlight.poll().get(), spec);
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    pool.shutdownNow();
                    throw new IllegalStateException("interrupted while waiting for the ringmem service");
                }
            }
        };
    }
}
