package io.ringmem.deploy;

import io.kubernetes.client.openapi.models.V1Container;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/docker/Dockerfile against what the build and the launcher do: it copies the jar the shade plugin writes,
 * runs java with bin/ringmem's JVM flags, exposes every port the manifests declare, runs as the user the manifests
 * expect, and the root .dockerignore lets exactly the copied jar through.
 */
class DockerfileTest {
    private static final String LAUNCHER = "bin/ringmem";
    private static Dockerfile dockerfile;

    @BeforeAll
    static void load() {
        dockerfile = Dockerfile.load();
    }

    @Test
    void buildsOnTheTemurin25JreUnlessBaseImageIsGiven() {
        assertEquals("${BASE_IMAGE}", dockerfile.last("FROM").words().getFirst(), "the base must be the BASE_IMAGE build argument");
        List<String> arg = dockerfile.all("ARG").stream().map(Dockerfile.Instruction::arguments)
                .filter(a -> a.startsWith("BASE_IMAGE=")).toList();
        assertEquals(1, arg.size(), "one ARG BASE_IMAGE=DEFAULT: " + arg);
        String base = arg.getFirst().substring("BASE_IMAGE=".length());
        assertTrue(base.matches("eclipse-temurin:25-jre(-[a-z]+)?"), "default base image " + base);
    }

    @Test
    void needsNoShellInTheBase() {
        // the air-gapped base (deploy/docker/build-base-image.sh) is FROM scratch: no RUN, and a numeric USER
        assertEquals(List.of(), dockerfile.all("RUN"), "RUN needs a shell, which the jlink base does not have");
        assertTrue(dockerfile.last("USER").arguments().matches("\\d+:\\d+"), "USER UID:GID, numeric: no /etc/passwd lookup needed");
    }

    @Test
    void copiesTheJarTheBuildProduces() {
        List<String> copy = copyOfJar();
        assertEquals(shadedJar(), copy.getFirst(), "COPY source vs the shade plugin's finalName in app/pom.xml");
        assertEquals("/opt/ringmem/ringmem.jar", copy.get(1));
    }

    @Test
    void entrypointRunsJavaWithTheLaunchersFlags() {
        List<String> entrypoint = dockerfile.last("ENTRYPOINT").execForm();
        assertEquals("java", entrypoint.getFirst());
        int jar = entrypoint.indexOf("-jar");
        assertTrue(jar > 0 && jar == entrypoint.size() - 2, "ENTRYPOINT must end with -jar JAR: " + entrypoint);
        assertEquals(copyOfJar().get(1), entrypoint.getLast(), "ENTRYPOINT runs another jar than the one copied");

        Set<String> image = JvmFlags.normalise(entrypoint.subList(1, jar));
        Set<String> launcher = JvmFlags.ofLauncher(RepoFiles.read(LAUNCHER));
        assertTrue(launcher.contains("--add-modules=jdk.incubator.vector,java.se"),
                "launcher flags read from " + LAUNCHER + ": " + launcher);
        Set<String> missing = new TreeSet<>(launcher);
        missing.removeAll(image);
        assertEquals(Set.of(), missing, "flags of " + LAUNCHER + " missing from the ENTRYPOINT");
        assertTrue(image.contains("-XX:MaxRAMPercentage=75"), "the heap follows the container's memory limit");
    }

    @Test
    void defaultsToHelp() {
        assertEquals(List.of("--help"), dockerfile.last("CMD").execForm());
    }

    @Test
    void exposesEveryContainerPortTheManifestsDeclare() {
        Set<Integer> exposed = new TreeSet<>();
        dockerfile.all("EXPOSE").forEach(e -> e.words().forEach(w -> exposed.add(Integer.parseInt(w.replace("/tcp", "")))));
        assertEquals(Set.of(5701, 7070, 8080, 8081), exposed);
        for (Manifests.Workload w : Renders.all().flatMap(m -> m.workloads().stream()).toList()) {
            for (V1Container c : w.template().getSpec().getContainers()) {
                for (int port : Pods.portNumbers(c)) {
                    assertTrue(exposed.contains(port),
                            w.name() + "/" + c.getName() + " declares port " + port + ", the image does not expose it");
                }
            }
        }
    }

    @Test
    void runsAsTheNonRootUserTheManifestsExpect() {
        String user = dockerfile.last("USER").words().getFirst();
        String uid = user.split(":")[0];
        assertTrue(uid.matches("\\d+"), "USER should be numeric, so that runAsNonRoot can verify it: " + user);
        assertNotEquals("0", uid, "the image runs as root");
        for (Manifests.Workload w : Renders.all().flatMap(m -> m.workloads().stream()).toList()) {
            var sc = w.template().getSpec().getSecurityContext();
            assertNotNull(sc, w.name() + ": no pod securityContext");
            assertEquals(Boolean.TRUE, sc.getRunAsNonRoot(), w.name());
            assertEquals(Long.parseLong(uid), sc.getRunAsUser(), w.name() + ": runAsUser vs the image's USER");
        }
    }

    @Test
    void theBuildContextHoldsOnlyTheJarAndTheDockerfile() {
        String text = RepoFiles.read(".dockerignore");
        // docker-java (Testcontainers' image builds) reads every line as a pattern, comments too
        assertTrue(text.lines().noneMatch(l -> l.strip().startsWith("#")), ".dockerignore has comment lines");
        DockerIgnore ignore = DockerIgnore.parse(text);
        assertFalse(ignore.excludes(copyOfJar().getFirst()), ".dockerignore leaves out the jar the Dockerfile copies");
        assertFalse(ignore.excludes(Dockerfile.FILE), ".dockerignore leaves out the Dockerfile (docker-java refuses to build then)");
        for (String other : List.of(".git/config", "ring-attention/src/main/java/io/ringmem/A.java", "app/target/classes/A.class",
                "app/target/original-ringmem.jar", "deploy/k8s/kustomization.yaml", "README.md")) {
            assertTrue(ignore.excludes(other), ".dockerignore sends " + other + " to the Docker daemon");
        }
    }

    private static List<String> copyOfJar() {
        List<List<String>> jars = new ArrayList<>();
        for (Dockerfile.Instruction i : dockerfile.all("COPY")) {
            List<String> words = i.words().stream().filter(w -> !w.startsWith("--")).toList();
            if (words.getFirst().endsWith(".jar")) jars.add(words);
        }
        assertEquals(1, jars.size(), "exactly one COPY of a jar: " + jars);
        assertEquals(2, jars.getFirst().size(), "COPY SOURCE DEST: " + jars.getFirst());
        return jars.getFirst();
    }

    /** app/target/FINALNAME.jar, from the maven-shade-plugin configuration of app/pom.xml. */
    private static String shadedJar() {
        NodeList plugins = RepoFiles.pom("app/pom.xml").getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (!"maven-shade-plugin".equals(RepoFiles.childText(plugin, "artifactId"))) continue;
            NodeList finalName = plugin.getElementsByTagName("finalName");
            assertEquals(1, finalName.getLength(), "the shade plugin in app/pom.xml sets no single finalName");
            return "app/target/" + finalName.item(0).getTextContent().trim() + ".jar";
        }
        throw new AssertionError("app/pom.xml has no maven-shade-plugin");
    }
}
