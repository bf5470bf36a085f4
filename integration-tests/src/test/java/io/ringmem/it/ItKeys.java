package io.ringmem.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The API key of the integration tests' coordinators: one admin key (the tests list workers and every job) with
 * limits no test reaches. Made up here, not a secret: these coordinators are throwaway and bind loopback or a
 * Docker network.
 */
public final class ItKeys {
    /** The key the tests' clients send. */
    public static final String KEY = "it-admin-key-0123456789abcdef0123456789";
    /** Its line in a keys file. */
    public static final String FILE_LINE = "it:" + KEY + ":admin:rate=100000,burst=100000,jobs=100000\n";

    private ItKeys() {
    }

    /** Where containers find the keys file ({@link #hostDirectory()} bound read-only). */
    public static final String CONTAINER_DIR = "/etc/ringmem/keys";
    /** The keys file inside a container. */
    public static final String CONTAINER_FILE = CONTAINER_DIR + "/api-keys";

    /**
     * A new host directory holding only the keys file as {@code api-keys}, readable by any user (the image runs as
     * a non-root user), to bind into containers as a mounted Secret would be.
     */
    public static Path hostDirectory() {
        try {
            Path dir = Files.createTempDirectory("ringmem-it-keys");
            Path file = writeFile(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the keys file into {@code dir} and returns it. */
    public static Path writeFile(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("api-keys"), FILE_LINE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
