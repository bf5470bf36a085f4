package io.ringmem.spark;

import org.apache.spark.TaskContext;

import java.util.function.BooleanSupplier;

/**
 * Ends a barrier task's ring promptly when Spark kills the task. When one task of a barrier stage fails (its executor
 * was lost, say), Spark kills the stage's other tasks without interrupting their threads ({@code interruptThread =
 * false}): it only marks them interrupted. A rank blocked on a ring receive from the dead rank would then hold its
 * executor slot until the ring's step timeout (minutes), and the stage's retry, which needs every slot at once, could
 * not start. This watch polls {@link TaskContext#isInterrupted()} on a daemon thread and runs the given action (closing
 * the task's ring transport, which fails its pending sends and receives) once it is set.
 *
 * <p>Not guaranteed: a reaction faster than the poll interval; the action runs at most once, on the watch's thread.
 */
final class KillWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    private final Thread thread;
    private volatile boolean closed;

    private KillWatch(String name, BooleanSupplier killed, Runnable onKill) {
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(() -> {
            try {
                while (!closed) {
                    if (killed.getAsBoolean()) {
                        if (!closed) onKill.run();
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Starts watching; {@link #close} (from the task's completion listener) stops the watch. */
    static KillWatch start(TaskContext ctx, Runnable onKill) {
        return start("ringmem-kill-watch-" + ctx.taskAttemptId(), ctx::isInterrupted, onKill);
    }

    /** Watches {@code killed} instead of a task context (what the task form calls; tests use it directly). */
    static KillWatch start(String name, BooleanSupplier killed, Runnable onKill) {
        KillWatch w = new KillWatch(name, killed, onKill);
        w.thread.start();
        return w;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
