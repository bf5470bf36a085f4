package io.ringmem.kernel;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon helper threads running "parallel for" loops in which the calling thread takes part.
 *
 * <p>Tasks are claimed from a per-job counter, so the caller alone can finish every task of its job: a call never
 * waits for a helper to become free, only for tasks a helper has already started. Hence any number of callers
 * (ring ranks, nested calls from inside a task) can share one pool without deadlock; when helpers are busy the
 * callers simply do more of their own work. Idle helpers spin for {@link #SPIN_NANOS} before parking, so the
 * back-to-back kernel calls of a forward pass do not pay a thread wake-up each.
 */
final class WorkerPool implements AutoCloseable {
    private static final long SPIN_NANOS = 50_000;
    private static final int CALLER_SPINS = 2_000;

    private final int parallelism;
    private final Helper[] helpers; // parallelism - 1
    private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    WorkerPool(int parallelism) {
        if (parallelism < 1) throw new IllegalArgumentException("threads must be >= 1: " + parallelism);
        this.parallelism = parallelism;
        this.helpers = new Helper[parallelism - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper();
            Thread t = new Thread(helpers[i], "ringmem-kernel-" + (i + 1));
            t.setDaemon(true);
            helpers[i].thread = t;
            t.start();
        }
    }

    int parallelism() {
        return parallelism;
    }

    /** Whether the helper threads may read {@code seg} (false for a segment of another thread's confined arena). */
    boolean helpersCanAccess(MemorySegment seg) {
        for (Helper h : helpers) {
            if (!seg.isAccessibleBy(h.thread)) return false;
        }
        return true;
    }

    /** @throws IllegalStateException once {@link #close()} has been called */
    void ensureOpen() {
        if (closed) throw new IllegalStateException("kernels are closed");
    }

    /**
     * Runs {@code body.accept(task)} for every task in [0, tasks) on the caller and idle helpers, and returns once
     * all have finished. The first exception thrown by a task is rethrown here (later tasks are skipped).
     */
    void forEach(int tasks, IntConsumer body) {
        ensureOpen();
        if (tasks <= 0) return;
        if (tasks == 1 || helpers.length == 0) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        Job job = new Job(tasks, body, Thread.currentThread());
        jobs.add(job);
        int wake = Math.min(helpers.length, tasks - 1);
        for (Helper h : helpers) {
            if (wake == 0) break;
            if (h.parked) {
                LockSupport.unpark(h.thread);
                wake--;
            }
        }
        job.work();
        jobs.remove(job);
        job.awaitDone();
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException(failure);
    }

    /** Body of {@link #forRanges}: handles items [lo, hi). */
    @FunctionalInterface
    interface RangeBody {
        void run(int lo, int hi);
    }

    /**
     * Splits items [0, count) into contiguous ranges of at least {@code grain} items, at most four per thread,
     * and runs them with {@link #forEach}. A single range runs on the caller directly.
     */
    void forRanges(int count, int grain, RangeBody body) {
        if (count <= 0) return;
        int ranges = (int) Math.min((long) parallelism * 4, Math.max(1, count / Math.max(1, grain)));
        if (ranges <= 1) {
            ensureOpen();
            body.run(0, count);
            return;
        }
        int per = count / ranges, extra = count % ranges;
        forEach(ranges, r -> {
            int lo = r * per + Math.min(r, extra);
            body.run(lo, lo + per + (r < extra ? 1 : 0));
        });
    }

    /** Stops the helpers (they finish the task in hand); jobs still running complete on their callers. */
    @Override
    public void close() {
        closed = true;
        for (Helper h : helpers) LockSupport.unpark(h.thread);
    }

    /** A helper thread: takes part in queued jobs, spins briefly when idle, then parks until work arrives. */
    private final class Helper implements Runnable {
        Thread thread;
        volatile boolean parked;

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                Job job = jobs.peek();
                if (job != null) {
                    job.work();
                    jobs.remove(job); // exhausted: no task left to claim
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;  // volatile write, then re-check: a submitter either sees it or we see its job
                    if (jobs.peek() == null && !closed) LockSupport.park(this);
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    /** One parallel loop: a claim counter, a completion counter and the thread to wake at the end. */
    private static final class Job {
        private final int tasks;
        private final IntConsumer body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        /** Claims and runs tasks until none is left to claim. */
        void work() {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    if (failure.get() == null) body.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (done.incrementAndGet() == tasks) LockSupport.unpark(caller);
                }
            }
        }

        void awaitDone() {
            int spins = 0;
            while (done.get() < tasks) {
                if (spins < CALLER_SPINS) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
