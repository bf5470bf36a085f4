package io.ringmem.it.containers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates what the container tests need on the host: the repository root (system property {@code ringmem.rootdir},
 * set by the parent pom's failsafe configuration), the shaded CLI jar the image is built from, and the shared test
 * data folder (system property {@code ringmem.testdata}, relative paths resolved against the root) with its
 * {@code models/} and {@code reference/}. Anything missing fails with the path and how to provide it.
 */
final class ItPaths {
    /** Where {@code ./mvnw package} writes the jar; deploy/docker/Dockerfile copies it from there. */
    static final String JAR = "coordinator/target/ringmem.jar";
    static final String DOCKERFILE = "deploy/docker/Dockerfile";

    private ItPaths() {
    }

    /** The repository root: the Docker build context. */
    static Path root() {
        String p = System.getProperty("ringmem.rootdir");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.rootdir is not set (the parent pom's failsafe configuration sets it)");
        }
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** deploy/docker/Dockerfile under the root. */
    static Path dockerfile() {
        Path f = root().resolve(DOCKERFILE);
        if (!Files.isRegularFile(f)) throw new IllegalStateException("missing " + f);
        return f;
    }

    /** The shaded jar; fails with the build command when it has not been built. */
    static Path jar() {
        Path jar = root().resolve(JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the image is built from it. Build it first with "
                    + "./mvnw -DskipTests package (or run the container tests through ./mvnw verify, which packages it first)");
        }
        return jar;
    }

    /** The shared test data folder (models/, reference/). */
    static Path testData() {
        String p = System.getProperty("ringmem.testdata");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.testdata is not set (run with -Dringmem.testdata=../shared)");
        }
        Path given = Path.of(p);
        Path dir = (given.isAbsolute() ? given : root().resolve(given)).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("models"))) throw new IllegalStateException("ringmem.testdata=" + dir + " has no models/ folder");
        return dir;
    }

    /** The models folder, mounted read-only at /models in every container. */
    static Path models() {
        return testData().resolve("models");
    }

    /** The Hugging Face reference outputs. */
    static Path reference() {
        Path f = testData().resolve("reference/hf-transformers-reference.json");
        if (!Files.isRegularFile(f)) throw new IllegalStateException("missing " + f);
        return f;
    }
}
