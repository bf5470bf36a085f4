package io.ringmem.spark;

import io.ringmem.TestPorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1: a Master and a Worker as separate JVMs started with plain
 * {@code java -cp "SPARK_HOME/jars/*"}, where SPARK_HOME/jars links the Spark jars of this test's class path (the
 * project's own classes left out: executors get them only from the jar the job ships). The Worker launches executor
 * JVMs. Logs under {@code target/spark-cluster/}. {@link #close} stops the Worker's descendants (executors), the Worker
 * and the Master by PID.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int port;

    private StandaloneCluster(Path dir) {
        this.dir = dir;
    }

    static StandaloneCluster start(int cores, String memory) throws Exception {
        StandaloneCluster c = new StandaloneCluster(Path.of("target", "spark-cluster").toAbsolutePath());
        try {
            c.startAll(cores, memory);
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    private void startAll(int cores, String memory) throws Exception {
        Path home = sparkHome();
        port = TestPorts.free();
        Process master = launch("master", home, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--webui-port", Integer.toString(TestPorts.free())));
        await("master", master, "I have been elected leader");
        Path work = Files.createDirectories(dir.resolve("work"));
        Process worker = launch("worker", home, List.of("org.apache.spark.deploy.worker.Worker", masterUrl(), "--host", "127.0.0.1",
                "--cores", Integer.toString(cores), "--memory", memory, "--webui-port", Integer.toString(TestPorts.free()),
                "--work-dir", work.toString()));
        await("worker", worker, "Successfully registered with master");
    }

    /** target/spark-cluster/home with jars/ linking every Spark-side jar of the test class path. */
    private Path sparkHome() throws IOException {
        Path home = dir.resolve("home"), jars = home.resolve("jars");
        if (Files.isDirectory(jars)) {
            try (var old = Files.list(jars)) {
                for (Path p : old.toList()) Files.delete(p);
            }
        }
        Files.createDirectories(jars);
        for (String entry : SparkPaths.classPath()) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            boolean ours = entry.contains("/io/ringmem/") || p.toAbsolutePath().startsWith(SparkPaths.root());
            boolean testOnly = name.startsWith("junit-") || name.startsWith("opentest4j") || name.startsWith("apiguardian")
                    || name.startsWith("surefire") || name.startsWith("common-java5");
            if (!name.endsWith(".jar") || ours || testOnly) {
                continue;
            }
            Path link = jars.resolve(name);
            if (!Files.exists(link)) Files.createSymbolicLink(link, p.toAbsolutePath());
        }
        return home;
    }

    /**
     * Runs {@code spark-submit} against this cluster as a user would: {@code org.apache.spark.deploy.SparkSubmit} in a
     * JVM of its own (the driver, client mode), {@code submitArgs} after {@code --master}; returns its exit status.
     */
    int submit(List<String> submitArgs, long timeoutSeconds) throws Exception {
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl()));
        args.addAll(submitArgs);
        Process p = launch("submit", dir.resolve("home"), args);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("spark-submit did not finish within " + timeoutSeconds + " s:\n" + logs());
        }
        processes.remove(p);
        return p.exitValue();
    }

    private Process launch(String name, Path home, List<String> args) throws IOException {
        // Spark refuses a driver under 450 MB of heap; the daemons need less
        String heap = name.equals("submit") ? "-Xmx768m" : "-Xmx384m";
        List<String> cmd = new ArrayList<>(List.of(SparkPaths.java().toString(), heap, "-XX:+UseSerialGC"));
        cmd.addAll(SparkPaths.sparkFlags());
        cmd.addAll(List.of("-cp", home.resolve("jars") + "/*"));
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = b.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13"); // else executors fail with "Cannot find any build directories"
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = b.start();
        processes.add(p);
        return p;
    }

    private void await(String name, Process p, String text) throws Exception {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(text)) return;
            if (!p.isAlive()) throw new IllegalStateException("spark " + name + " exited:\n" + tail(log));
            Thread.sleep(200);
        }
        throw new IllegalStateException("spark " + name + " did not log '" + text + "' within 90 s:\n" + tail(log));
    }

    /** The executor JVMs the Worker has launched and that are alive. */
    List<ProcessHandle> executors() {
        return processes.get(1).descendants()
                .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
    }

    /** The last lines of every log of this cluster (master, worker, executors), for a failure message. */
    String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr")).toList()) {
                b.append("--- ").append(f).append('\n').append(tail(f)).append('\n');
            }
        }
        return b.toString();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() {
        for (Process p : processes.reversed()) { // worker (and its executors) first, then the master
            p.descendants().forEach(ProcessHandle::destroyForcibly);
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
