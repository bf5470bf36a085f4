package io.ringmem.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates what the integration tests need on the host: the repository root (system property {@code ringmem.rootdir},
 * set by the parent pom's failsafe configuration), the shaded CLI jar (the multi-process tests run it), the image tag,
 * and the shared test data folder (system property {@code ringmem.testdata}, relative paths resolved against the
 * root). Anything missing fails with the path and how to provide it.
 */
public final class ItPaths {
    /** Where {@code ./mvnw package} writes the jar; deploy/docker/Dockerfile copies it from there. */
    public static final String JAR = "app/target/ringmem.jar";

    private ItPaths() {
    }

    /** The repository root (the Docker build context; deploy/k8s for the pod smoke test). */
    public static Path root() {
        String p = System.getProperty("ringmem.rootdir");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.rootdir is not set (the parent pom's failsafe configuration sets it)");
        }
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** The shaded jar; fails with the build command when it has not been built. */
    public static Path jar() {
        Path jar = root().resolve(JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the multi-process tests run it. Build it first with "
                    + "./mvnw -DskipTests package (or run them through ./mvnw verify, which packages it first)");
        }
        return jar;
    }

    /**
     * The shared test data folder (models/, reference/), found as ring-attention's {@code TestData} finds it; kept
     * here so this module runs alone ({@code -pl integration-tests}) without ring-attention's test-jar installed.
     */
    public static Path testData() {
        String p = System.getProperty("ringmem.testdata");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.testdata is not set (run with -Dringmem.testdata=../shared)");
        }
        Path given = Path.of(p);
        Path dir = (given.isAbsolute() ? given : root().resolve(given)).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("models"))) {
            throw new IllegalStateException("ringmem.testdata=" + dir + " has no models/ folder");
        }
        return dir;
    }

    /** The models folder, mounted read-only at /models in every container. */
    public static Path models() {
        return testData().resolve("models");
    }

    /** The Hugging Face reference outputs. */
    public static Path reference() {
        Path f = testData().resolve("reference/hf-transformers-reference.json");
        if (!Files.isRegularFile(f)) throw new IllegalStateException("missing " + f);
        return f;
    }

    public static Path tinyStories() {
        return models().resolve("tinystories-656k");
    }

    public static Path syntheticGqa() {
        return models().resolve("synthetic-gqa");
    }

    /** The Docker image tag of the container tests: system property {@code ringmem.image}, else {@code fallback}. */
    public static String image(String fallback) {
        String p = System.getProperty("ringmem.image");
        return p == null || p.isBlank() ? fallback : p;
    }

    /** The java launcher of the JDK running the tests, for child JVMs. */
    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
