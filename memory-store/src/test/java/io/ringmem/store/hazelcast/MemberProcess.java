package io.ringmem.store.hazelcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@link StoreMemberMain} in its own JVM; keeps the last lines of its output for failure messages. */
final class MemberProcess implements AutoCloseable {

    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Deque<String> tail = new ArrayDeque<>();

    MemberProcess(String classpath, String cluster, int port, List<String> members) throws IOException {
        this(classpath, cluster, port, members, List.of());
    }

    /** @param extra further arguments of {@link StoreMemberMain}, e.g. {@code --cluster-secret FILE} */
    MemberProcess(String classpath, String cluster, int port, List<String> members, List<String> extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--sun-misc-unsafe-memory-access=allow", "-cp", classpath, StoreMemberMain.class.getName(),
                "--cluster", cluster, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--members", String.join(",", members), "--partition-count", Integer.toString(TestClusters.PARTITIONS),
                "--logging", "none", "--exit-on-stdin-eof"));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(this::pump, "member-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The test class path (Surefire runs tests from a manifest-only jar; the real class path is in this property). */
    static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("READY ")) {
                    ready.countDown();
                }
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 40) tail.removeFirst();
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    boolean awaitReady(long millis) throws InterruptedException {
        return ready.await(millis, TimeUnit.MILLISECONDS);
    }

    String outputTail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
