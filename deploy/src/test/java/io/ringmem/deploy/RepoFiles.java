package io.ringmem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads files of the repository by their path relative to the repository root, which the build passes as the
 * system property {@code ringmem.rootdir} (the parent pom's surefire configuration). A missing property or file
 * fails the test with the path it looked for.
 */
final class RepoFiles {
    private RepoFiles() {
    }

    /** The repository root. */
    static Path root() {
        String p = System.getProperty("ringmem.rootdir");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.rootdir is not set (the parent pom's surefire configuration sets it)");
        }
        Path root = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("deploy"))) {
            throw new IllegalStateException("ringmem.rootdir=" + root + " is not the repository root (no pom.xml and deploy/)");
        }
        return root;
    }

    /**
     * The folder holding the kubectl and helm binaries, which the build installs with deploy/tools/k8s-tools.sh and
     * passes as the system property {@code ringmem.k8stools} (the deploy module's surefire configuration).
     */
    static Path k8sTools() {
        String p = System.getProperty("ringmem.k8stools");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property ringmem.k8stools is not set (deploy/pom.xml sets it)");
        }
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** The file at {@code relative} under the root; it must exist. */
    static Path path(String relative) {
        Path f = root().resolve(relative);
        if (!Files.exists(f)) throw new IllegalStateException("missing file: " + f);
        return f;
    }

    /** The UTF-8 text of the file at {@code relative}. */
    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project version in the root pom.xml ({@code /project/version}), for example {@code 0.1.0-SNAPSHOT}. */
    static String projectVersion() {
        return childText(pom("pom.xml").getDocumentElement(), "version");
    }

    /** The release version the image is tagged with: the project version without {@code -SNAPSHOT}. */
    static String releaseVersion() {
        return projectVersion().replaceFirst("-SNAPSHOT$", "");
    }

    /** A pom.xml under the root, parsed as a DOM document (no namespace awareness needed for these lookups). */
    static Document pom(String relative) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(path(relative).toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + relative + ": " + e.getMessage(), e);
        }
    }

    /** The text of the first direct child element named {@code name}, or null. */
    static String childText(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e.getTextContent().trim();
        }
        return null;
    }
}
