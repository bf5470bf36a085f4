package io.ringmem;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared test data folder (models/, reference/) given by the system property {@code ringmem.testdata}
 * (the build sets it; .ci/run passes {@code ../shared}). A relative path is resolved against
 * {@code ringmem.rootdir}, the repository root, which the build also sets. Missing data fails the test loudly: these tests are the
 * oracle checks and must never be skipped silently.
 */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        String p = System.getProperty("ringmem.testdata");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.testdata is not set (run with -Dringmem.testdata=../shared)");
        }
        Path given = Path.of(p);
        String base = System.getProperty("ringmem.rootdir");
        Path root = (given.isAbsolute() || base == null ? given : Path.of(base).resolve(given)).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("models"))) {
            throw new IllegalStateException("ringmem.testdata=" + root + " has no models/ folder");
        }
        return root;
    }

    public static Path path(String relative) {
        Path f = root().resolve(relative);
        if (!Files.exists(f)) throw new IllegalStateException("test data file missing: " + f);
        return f;
    }

    public static Path stories260kBin() {
        return path("models/stories260K/stories260K.bin");
    }

    public static Path stories260kTokenizer() {
        return path("models/stories260K/tok512.bin");
    }

    public static Path stories260kGguf() {
        return path("models/stories260K/stories260K.gguf");
    }

    public static Path tinystories656k() {
        return path("models/tinystories-656k");
    }

    public static Path syntheticGqa() {
        return path("models/synthetic-gqa");
    }

    public static Path reference() {
        return path("reference/hf-transformers-reference.json");
    }
}
