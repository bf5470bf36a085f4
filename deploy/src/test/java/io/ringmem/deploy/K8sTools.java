package io.ringmem.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl and helm binaries that deploy/tools/k8s-tools.sh installed for the build (see
 * {@link RepoFiles#k8sTools()}), in the repository root, and returns their standard output. A missing binary, a
 * non-zero exit or a run over 60 s fails with the command line and its standard error: these tools are part of
 * the checks, never skipped.
 */
final class K8sTools {
    private static final long TIMEOUT_S = 60;

    /** What a run printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private K8sTools() {
    }

    /** Runs {@code kubectl ARGS...}; fails unless it exits 0. */
    static String kubectl(String... args) {
        return ok(run("kubectl", args), "kubectl", args);
    }

    /** Runs {@code helm ARGS...}; fails unless it exits 0. */
    static String helm(String... args) {
        return ok(run("helm", args), "helm", args);
    }

    /** Runs a tool and returns its result whatever the exit code (for the checks that expect a failure). */
    static Result run(String tool, String... args) {
        Path binary = RepoFiles.k8sTools().resolve(tool);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: the build installs it with deploy/tools/k8s-tools.sh "
                    + RepoFiles.k8sTools() + " (generate-test-resources)");
        }
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(RepoFiles.root().toFile());
        // helm keeps no state between runs here: caches and config under the build folder, not the user's home
        Path home = RepoFiles.k8sTools().resolve("home");
        pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        pb.environment().put("KUBECONFIG", home.resolve("kubeconfig-none").toString());
        try {
            Process p = pb.start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " ran for more than " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String ok(Result r, String tool, String... args) {
        if (r.exitCode() != 0) {
            throw new AssertionError(tool + " " + String.join(" ", args) + " exited " + r.exitCode() + ":\n" + r.stderr() + r.stdout());
        }
        return r.stdout();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
