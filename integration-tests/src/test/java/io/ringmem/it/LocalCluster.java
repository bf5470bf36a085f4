package io.ringmem.it;

import io.ringmem.TestPorts;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A coordinator and workers as separate JVMs on 127.0.0.1, joined by TCP-IP member lists, each with its own
 * Hazelcast, ring and HTTP port. Workers run one kernel thread each (the test machine has two cores). Every process
 * gets the same cluster secret (a file under the logs folder), so the cluster runs as a deployment does: derived
 * cluster name, every stored value and worker task sealed.
 */
final class LocalCluster implements AutoCloseable {
    private final Path model;
    private final Path logs;
    private final List<String> extraCoordinatorArgs;
    private final int coordinatorHz;
    private final int coordinatorHttp;
    private final List<Integer> workerHz = new ArrayList<>();
    private final List<Integer> workerHttp = new ArrayList<>();
    private final List<String> members = new ArrayList<>();
    private final Path secret;
    private RingmemProcess coordinator;
    private final List<RingmemProcess> workers = new ArrayList<>();
    private int restarts;

    LocalCluster(Path model, Path logs, int workerCount, List<String> extraCoordinatorArgs) throws IOException {
        this.model = model;
        this.logs = logs;
        this.extraCoordinatorArgs = List.copyOf(extraCoordinatorArgs);
        Files.createDirectories(logs);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.secret = Files.writeString(logs.resolve("cluster-secret"), HexFormat.of().formatHex(random) + "\n");
        this.coordinatorHz = TestPorts.free();
        this.coordinatorHttp = TestPorts.free();
        members.add("127.0.0.1:" + coordinatorHz);
        for (int i = 0; i < workerCount; i++) {
            int p = TestPorts.free();
            workerHz.add(p);
            workerHttp.add(TestPorts.free());
            members.add("127.0.0.1:" + p);
        }
    }

    /** Starts the coordinator, then the workers; returns when the coordinator lists every worker. */
    LocalCluster start() throws Exception {
        try {
            startAll();
        } catch (Exception | Error e) {
            close(); // a failed start must not leave processes behind
            throw e;
        }
        return this;
    }

    private void startAll() throws Exception {
        startCoordinator();
        for (int i = 0; i < workerHz.size(); i++) workers.add(startWorker(i, "worker-" + (i + 1)));
        for (RingmemProcess w : workers) w.awaitLine("worker \\S+ ready", Duration.ofSeconds(120));
        awaitWorkers(workers.size(), Duration.ofSeconds(60));
    }

    private RingmemProcess startWorker(int i, String logName) throws IOException {
        return RingmemProcess.start(logName, logs, List.of("worker", "--model", model.toString(),
                "--members", String.join(",", members), "--hz-port", Integer.toString(workerHz.get(i)), "--bind", "127.0.0.1",
                "--http-port", Integer.toString(workerHttp.get(i)), "--name", "worker-" + (i + 1), "--threads", "1",
                "--failure-seconds", "6", "--cluster-secret", secret.toString()));
    }

    /** Starts worker {@code i} again (same name and ports) after it was killed; returns when it is ready. */
    void restartWorker(int i) throws Exception {
        if (workers.get(i).alive()) throw new IllegalStateException("worker-" + (i + 1) + " is still running");
        RingmemProcess p = startWorker(i, "worker-" + (i + 1) + "-restart-" + (++restarts));
        workers.set(i, p);
        p.awaitLine("worker \\S+ ready", Duration.ofSeconds(120));
    }

    void startCoordinator() throws Exception {
        List<String> args = new ArrayList<>(List.of("coordinator", "--model", model.toString(), "--members", String.join(",", members),
                "--hz-port", Integer.toString(coordinatorHz), "--bind", "127.0.0.1", "--http-port", Integer.toString(coordinatorHttp),
                "--failure-seconds", "6", "--step-timeout", "30", "--api-keys", ItKeys.writeFile(logs).toString(),
                "--audit-log", logs.resolve("audit.jsonl").toString(), "--cluster-secret", secret.toString()));
        args.addAll(extraCoordinatorArgs);
        coordinator = RingmemProcess.start("coordinator" + (restarts++ == 0 ? "" : "-" + restarts), logs, args);
        coordinator.awaitLine("coordinator ready", Duration.ofSeconds(120));
    }

    String url() {
        return "http://127.0.0.1:" + coordinatorHttp;
    }

    Path logs() {
        return logs;
    }

    /** The health/metrics endpoint of worker {@code i}. */
    RawHttp workerHttp(int i) {
        return new RawHttp(URI.create("http://127.0.0.1:" + workerHttp.get(i)));
    }

    /** The coordinator's REST API. */
    RingmemClient client() {
        return JobPolls.client(URI.create(url()));
    }

    /** The coordinator's HTTP endpoint, for bodies and endpoints the client does not cover. */
    RawHttp http() {
        return new RawHttp(URI.create(url()));
    }

    RingmemProcess coordinator() {
        return coordinator;
    }

    RingmemProcess worker(int i) {
        return workers.get(i);
    }

    int liveWorkers() {
        return (int) workers.stream().filter(RingmemProcess::alive).count();
    }

    /** Waits until the coordinator's /v1/workers lists exactly {@code n} workers. */
    void awaitWorkers(int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            try {
                seen = client().workers().size();
                if (seen == n) return;
            } catch (RingmemClientException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("coordinator lists " + seen + " workers, expected " + n + "\n" + coordinator.tail());
    }

    String logsTail() throws IOException {
        StringBuilder b = new StringBuilder("--- " + coordinator.name() + "\n" + coordinator.tail());
        for (RingmemProcess w : workers) b.append("\n--- ").append(w.name()).append("\n").append(w.tail());
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        for (RingmemProcess w : workers) w.close();
        if (coordinator != null) coordinator.close();
    }
}
