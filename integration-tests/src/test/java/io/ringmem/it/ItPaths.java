package io.ringmem.it;

import java.nio.file.Files;
import io.ringmem.TestData;

import java.nio.file.Path;

/**
 * Locates what the container tests need on the host: the repository root (system property {@code ringmem.rootdir},
 * set by the parent pom's failsafe configuration), the shaded CLI jar (the image and the multi-process tests run it),
 * and the shared test data through ring-attention's {@code TestData}. Anything missing fails with the path and how to provide it.
 */
public final class ItPaths {
    /** Where {@code ./mvnw package} writes the jar; deploy/docker/Dockerfile copies it from there. */
    public static final String JAR = "coordinator/target/ringmem.jar";
    public static final String DOCKERFILE = "deploy/docker/Dockerfile";

    private ItPaths() {
    }

    /** The repository root: the Docker build context. */
    public static Path root() {
        String p = System.getProperty("ringmem.rootdir");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.rootdir is not set (the parent pom's failsafe configuration sets it)");
        }
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** deploy/docker/Dockerfile under the root. */
    public static Path dockerfile() {
        Path f = root().resolve(DOCKERFILE);
        if (!Files.isRegularFile(f)) throw new IllegalStateException("missing " + f);
        return f;
    }

    /** The shaded jar; fails with the build command when it has not been built. */
    public static Path jar() {
        Path jar = root().resolve(JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the image is built from it. Build it first with "
                    + "./mvnw -DskipTests package (or run the container tests through ./mvnw verify, which packages it first)");
        }
        return jar;
    }

    /** The shared test data folder (models/, reference/), as ring-attention's tests find it. */
    public static Path testData() {
        return TestData.root();
    }

    /** The models folder, mounted read-only at /models in every container. */
    public static Path models() {
        return testData().resolve("models");
    }

    /** The Hugging Face reference outputs. */
    public static Path reference() {
        return TestData.reference();
    }

    public static Path tinyStories() {
        return TestData.tinystories656k();
    }

    public static Path syntheticGqa() {
        return TestData.syntheticGqa();
    }

    /** The java launcher of the JDK running the tests, for child JVMs. */
    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
