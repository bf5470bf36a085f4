package io.ringmem.coordinator;

import io.ringmem.protocol.AskTask;
import io.ringmem.protocol.FinalizeResult;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.GenerateTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.protocol.TokensResult;
import io.ringmem.protocol.WorkerRequest;
import io.ringmem.ring.ShardSchedule;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link WorkerGateway} without workers behind it: a settable list of workers, every call recorded, and answers
 * computed from the request by {@link #behaviour} (by default {@link #answer}), which may throw to fail the call.
 */
final class FakeGateway implements WorkerGateway, AutoCloseable {
    record Call(WorkerRef worker, WorkerRequest<?> request) {
    }

    interface Behaviour {
        Object answer(WorkerRef worker, WorkerRequest<?> request) throws Exception;
    }

    final List<WorkerRef> workers = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    volatile Behaviour behaviour = FakeGateway::answer;

    /** {@code n} workers worker-1..n, each with a reachable ring address (a listening socket on loopback). */
    static FakeGateway withReachableWorkers(int n) {
        FakeGateway g = new FakeGateway();
        for (int i = 1; i <= n; i++) g.workers.add(g.reachableWorker("worker-" + i));
        return g;
    }

    WorkerRef reachableWorker(String name) {
        try {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            listeners.add(s);
            return new WorkerRef("id-" + name, name, "127.0.0.1:" + s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A worker whose ring port nobody listens on (a port that was free a moment ago). */
    static WorkerRef unreachableWorker(String name) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new WorkerRef("id-" + name, name, "127.0.0.1:" + s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<WorkerRef> workers() {
        return List.copyOf(workers);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends Serializable> CompletableFuture<R> call(WorkerRef worker, WorkerRequest<R> request) {
        calls.add(new Call(worker, request));
        try {
            return CompletableFuture.completedFuture((R) behaviour.answer(worker, request));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    <T> List<T> requests(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Call c : calls) if (type.isInstance(c.request())) out.add(type.cast(c.request()));
        return out;
    }

    List<Call> calls(Class<?> type) {
        List<Call> out = new ArrayList<>();
        for (Call c : calls) if (type.isInstance(c.request())) out.add(c);
        return out;
    }

    /** The NLL the fake reports for the token after global position {@code p}. */
    static double nllAt(int p) {
        return 1.0 + 0.001 * p;
    }

    /** What a well-behaved worker answers. */
    static Object answer(WorkerRef worker, WorkerRequest<?> request) {
        return switch (request) {
            case ShardTask t -> shard(t, worker.name());
            case FinalizeTask f -> new FinalizeResult(4000L * (f.end() - f.segment()), 1000L * (f.end() - f.segment()), 10);
            case AskTask a -> new TokensResult(new int[]{147, 201}, worker.name(), 1);
            case GenerateTask g -> new TokensResult(new int[]{147, 201, 282}, worker.name(), 1);
        };
    }

    /**
     * A rank's result: its zigzag positions (shifted to global ones), NLL {@link #nllAt} for each (NaN for the
     * document's last token), and as hidden-state sum the 2-vector (tokens, sum of positions).
     */
    static ShardResult shard(ShardTask t, String worker) {
        int n = t.segmentIds().length;
        int[] local = ShardSchedule.ZIGZAG.positions(t.rank(), t.ranks(), n);
        int[] global = new int[local.length];
        double[] nll = new double[local.length];
        float posSum = 0;
        for (int i = 0; i < local.length; i++) {
            global[i] = t.firstPosition() + local[i];
            boolean last = local[i] == n - 1 && t.nextToken() < 0;
            nll[i] = last ? Double.NaN : nllAt(global[i]);
            posSum += global[i];
        }
        float[] hidden = t.embed() ? new float[]{local.length, posSum} : null;
        return new ShardResult(t.rank(), worker, global, nll, hidden, 1000, 500_000_000L, 0, null);
    }

    @Override
    public void close() {
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException ignored) {
                // test cleanup
            }
        }
    }
}
