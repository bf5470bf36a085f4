package io.ringmem.worker.hub;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data folder, from the system property {@code ringmem.testdata} (relative values against
 * {@code ringmem.rootdir}), as in ring-attention's {@code TestData}. Missing data fails loudly.
 */
public final class HubTestData {
    private HubTestData() {
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

    public static Path tinystories656k() {
        return path("models/tinystories-656k");
    }

    public static Path stories260kGguf() {
        return path("models/stories260K/stories260K.gguf");
    }

    public static Path stories260kBin() {
        return path("models/stories260K/stories260K.bin");
    }
}
