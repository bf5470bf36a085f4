package io.ringmem.coordinator;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data folder (models/, reference/) from the system property {@code ringmem.testdata}, a relative
 * value resolved against {@code ringmem.rootdir} (the repository root); both are set by the build. Missing data
 * fails the test loudly.
 */
final class CoordinatorTestData {
    private CoordinatorTestData() {
    }

    static Path root() {
        String p = System.getProperty("ringmem.testdata");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.testdata is not set (run with -Dringmem.testdata=../shared)");
        }
        Path given = Path.of(p);
        String base = System.getProperty("ringmem.rootdir");
        Path root = (given.isAbsolute() || base == null ? given : Path.of(base).resolve(given)).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("models"))) throw new IllegalStateException("ringmem.testdata=" + root + " has no models/ folder");
        return root;
    }

    static Path path(String relative) {
        Path f = root().resolve(relative);
        if (!Files.exists(f)) throw new IllegalStateException("test data file missing: " + f);
        return f;
    }

    static Path tinystories656k() {
        return path("models/tinystories-656k");
    }

    static Path reference() {
        return path("reference/hf-transformers-reference.json");
    }
}
