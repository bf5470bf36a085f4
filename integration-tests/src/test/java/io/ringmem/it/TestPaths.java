package io.ringmem.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the packaged jar, the shared test data and the Java runtime for child processes. */
final class TestPaths {
    private TestPaths() {
    }

    static Path root() {
        return Path.of(System.getProperty("ringmem.rootdir", "..")).toAbsolutePath().normalize();
    }

    static Path testData() {
        Path p = Path.of(System.getProperty("ringmem.testdata", "../shared"));
        return (p.isAbsolute() ? p : root().resolve(p)).normalize();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("ringmem.jar", root().resolve("coordinator/target/ringmem.jar").toString()));
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("packaged jar missing: " + jar + " (run ./mvnw package first)");
        return jar;
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Path tinyStories() {
        return testData().resolve("models/tinystories-656k");
    }

    static Path syntheticGqa() {
        return testData().resolve("models/synthetic-gqa");
    }

    static Path reference() {
        return testData().resolve("reference/hf-transformers-reference.json");
    }
}
