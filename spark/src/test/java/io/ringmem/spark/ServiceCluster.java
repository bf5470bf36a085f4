package io.ringmem.spark;

import io.ringmem.TestPorts;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real Ringmem cluster for the service execution's tests: a coordinator and workers as separate JVMs started from the
 * packaged {@code app/target/ringmem.jar} (as integration-tests' LocalCluster does), on 127.0.0.1, logs under
 * {@code target/}. Stopped by PID on close.
 */
final class ServiceCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path logs;
    private final int http;

    private ServiceCluster(Path logs, int http) {
        this.logs = logs;
        this.http = http;
    }

    static ServiceCluster start(String model, int workers) throws Exception {
        Path logs = Path.of("target", "service-cluster");
        Files.createDirectories(logs);
        int coordinatorHz = TestPorts.free(), http = TestPorts.free();
        List<String> members = new ArrayList<>(List.of("127.0.0.1:" + coordinatorHz));
        List<Integer> hz = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            hz.add(TestPorts.free());
            members.add("127.0.0.1:" + hz.get(i));
        }
        ServiceCluster c = new ServiceCluster(logs, http);
        try {
            Path keys = Files.writeString(logs.resolve("api-keys"), "spark-it:" + KEY + ":admin:rate=100000,burst=100000,jobs=1000\n");
            Process coordinator = c.launch("coordinator", List.of("coordinator", "--model", model, "--members", String.join(",", members),
                    "--hz-port", Integer.toString(coordinatorHz), "--bind", "127.0.0.1", "--http-port", Integer.toString(http),
                    "--failure-seconds", "6", "--api-keys", keys.toString()));
            c.await("coordinator", coordinator, "coordinator ready");
            for (int i = 0; i < workers; i++) {
                String name = "worker-" + (i + 1);
                Process w = c.launch(name, List.of("worker", "--model", model, "--members", String.join(",", members),
                        "--hz-port", Integer.toString(hz.get(i)), "--bind", "127.0.0.1", "--http-port", Integer.toString(TestPorts.free()),
                        "--name", name, "--threads", "1", "--failure-seconds", "6"));
                c.await(name, w, "worker \\S+ ready");
            }
            c.awaitWorkers(workers);
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The admin key of this cluster's coordinator (made up here: the cluster binds loopback and is thrown away). */
    static final String KEY = "spark-it-admin-key-0123456789abcdef0123";

    String url() {
        return "http://127.0.0.1:" + http;
    }

    private Process launch(String name, List<String> args) throws IOException {
        Path jar = SparkPaths.ringmemJar();
        List<String> cmd = new ArrayList<>(List.of(SparkPaths.java().toString(), "-Xmx512m",
                "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector,java.se", "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private void await(String name, Process p, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        Path log = logs.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.readAllLines(log).stream().anyMatch(l -> pattern.matcher(l).find())) return;
            if (!p.isAlive()) throw new IllegalStateException(name + " exited:\n" + Files.readString(log));
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not log /" + regex + "/ within 120 s:\n" + Files.readString(log));
    }

    private void awaitWorkers(int n) throws InterruptedException {
        RingmemClient client = RingmemClient.builder(url()).apiKey(KEY).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (client.workers().size() == n) return;
            } catch (RingmemClientException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the coordinator does not list " + n + " worker(s) within 60 s");
    }

    @Override
    public void close() {
        for (Process p : processes.reversed()) {
            p.destroyForcibly();
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
