package io.ringmem.it.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** One random cluster secret per test JVM, in a temporary file readable by the containers' user (deleted on exit). */
final class ClusterSecretFile {
    private static Path path;

    private ClusterSecretFile() {
    }

    static synchronized Path path() {
        if (path == null) {
            try {
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                Path f = Files.createTempFile("ringmem-cluster-secret", ".txt");
                Files.writeString(f, HexFormat.of().formatHex(secret) + "\n");
                // the containers run as another user (10001): the file must be readable by it; it is a test secret
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                f.toFile().deleteOnExit();
                path = f;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return path;
    }
}
