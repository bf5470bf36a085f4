package io.ringmem.spark;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the Spark tests that start JVMs read from the test JVM: the java launcher, the repository root (system property
 * {@code ringmem.rootdir}, set by the parent pom), the packaged CLI jar and the test classpath (Spark's jars for a
 * standalone cluster).
 */
final class SparkPaths {
    private SparkPaths() {
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Path root() {
        String p = System.getProperty("ringmem.rootdir");
        if (p == null || p.isBlank()) throw new IllegalStateException("system property ringmem.rootdir is not set (the parent pom does)");
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** app/target/ringmem.jar, the CLI the service cluster runs. */
    static Path ringmemJar() {
        Path jar = root().resolve("app/target/ringmem.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
        return jar;
    }

    /**
     * The start of a command line that runs the CLI jar in a JVM of its own with {@code heap} ({@code -Xmx} value) and the
     * flags the CLI needs on Java 25; the caller appends the CLI's arguments.
     */
    static List<String> ringmemCommand(String heap) {
        return new ArrayList<>(List.of(java().toString(), "-Xmx" + heap, "--add-modules", "jdk.incubator.vector",
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-jar", ringmemJar().toString()));
    }

    /** The JVM flags Spark needs on Java 25 (system property {@code ringmem.spark.flags}, set by this module's pom). */
    static List<String> sparkFlags() {
        String f = System.getProperty("ringmem.spark.flags");
        if (f == null || f.isBlank()) throw new IllegalStateException("ringmem.spark.flags is not set (spark/pom.xml sets it)");
        return Arrays.asList(f.strip().split("\\s+"));
    }

    /** The entries of this JVM's class path. */
    static List<String> classPath() {
        return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    }
}
