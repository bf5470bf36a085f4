package io.ringmem.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ringmem} JVM started from the packaged jar, as a user would run it, with its output in a log file.
 * {@link #kill()} is SIGKILL (no shutdown hooks run), {@link #stop()} a normal termination.
 */
final class RingmemProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private RingmemProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static RingmemProcess start(String name, Path logDir, List<String> args) throws IOException {
        return start(name, logDir, args, Map.of());
    }

    /** @param env added to the inherited environment */
    static RingmemProcess start(String name, Path logDir, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ItPaths.java().toString(), "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4",
                "--add-modules", "jdk.incubator.vector,java.se", "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED", "-jar", ItPaths.jar().toString()));
        cmd.addAll(args);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly)); // never outlive the test JVM
        return new RingmemProcess(name, p, log);
    }

    /** Runs a short-lived command (a CLI client) to completion; returns its exit code and combined output. */
    static Finished run(Path logDir, String name, List<String> args, Duration timeout) throws IOException, InterruptedException {
        return run(logDir, name, args, Map.of(), timeout);
    }

    /** {@link #run(Path, String, List, Duration)} with {@code env} added to the environment. */
    static Finished run(Path logDir, String name, List<String> args, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        RingmemProcess p = start(name, logDir, args, env);
        if (!p.process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.kill();
            throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s:\n" + p.tail());
        }
        return new Finished(p.process.exitValue(), Files.readString(p.log));
    }

    record Finished(int exitCode, String output) {
    }

    String name() {
        return name;
    }

    /** Waits until the log has a line matching {@code regex}; returns its first group (or the line). */
    String awaitLine(String regex, Duration timeout) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log)) {
                Matcher m = pattern.matcher(line);
                if (m.find()) return m.groupCount() > 0 ? m.group(1) : line;
            }
            if (!process.isAlive()) throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not log /" + regex + "/ within " + timeout.toSeconds() + " s:\n" + tail());
    }

    String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, like {@code kill -9}: no shutdown hook, sockets reset by the OS. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
