package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;

/** The checking helpers on small inputs, so that a check that passes on the real files is known to be able to fail. */
class CheckHelpersTest {

    @Test
    void theStrictParserRejectsUnknownFieldsWrongTypesAndUnknownKinds() {
        String yaml = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: x
                spec:
                  replicas: 3
                  serviceName: x
                  selector:
                    matchLabels: {a: b}
                  template:
                    metadata:
                      labels: {a: b}
                    spec:
                      containers:
                        - name: c
                          image: i
                          args: [worker]
                          readinessProbe:
                            httpGet: {path: /, port: 80}
                """;
        assertEquals(1, KubeModels.parse(yaml).size());
        assertRejected(yaml.replace("replicas:", "replica:"), "replica");
        assertRejected(yaml.replace("readinessProbe", "readinesProbe"), "readinesProbe");
        assertRejected(yaml.replace("args: [worker]", "args: worker"), "args");
        assertRejected(yaml.replace("replicas: 3", "replicas: three"), "three");
        assertRejected(yaml.replace("kind: StatefulSet", "kind: StatefulSets"), "unexpected kind");
        assertRejected("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: x, labelz: {}}
                spec: {}
                """, "labelz");
    }

    private static void assertRejected(String yaml, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KubeModels.parse(yaml));
        assertTrue(e.getMessage().contains(expected), "expected a complaint about " + expected + ": " + e.getMessage());
    }

    @Test
    void selectorsFollowKubernetesSemantics() {
        Map<String, String> pod = Map.of("app", "ringmem", "role", "worker");
        assertTrue(Selectors.matches(Map.of("app", "ringmem"), pod));
        assertFalse(Selectors.matches(Map.of("app", "ringmem", "role", "coordinator"), pod));
        assertFalse(Selectors.matches(Map.of(), pod), "an empty selector counts as a mistake");
        V1LabelSelector in = new V1LabelSelector().addMatchExpressionsItem(new V1LabelSelectorRequirement().key("role").operator("In")
                .values(List.of("worker", "coordinator")));
        assertTrue(Selectors.matches(in, pod));
        V1LabelSelector notIn = new V1LabelSelector().matchLabels(Map.of("app", "ringmem"))
                .addMatchExpressionsItem(new V1LabelSelectorRequirement().key("role").operator("NotIn").values(List.of("worker")));
        assertFalse(Selectors.matches(notIn, pod));
    }

    @Test
    void synopsesGiveFlagsValuesAndRequiredness() {
        String md = """
                text `bin/ringmem fake --x` outside code is ignored
                ```
                bin/ringmem worker --model PATH [--tokenizer PATH]
                                   [--kubernetes-service NAME [--kubernetes-namespace NS]] [--verbose]
                bin/ringmem submit --url URL [--wait] [--json] FILES...
                ```
                """;
        CliDoc doc = CliDoc.parse(md);
        assertEquals(List.of("worker", "submit"), doc.commands());
        Map<String, CliDoc.Flag> worker = doc.flags("worker");
        assertEquals(Set.of("--model", "--tokenizer", "--kubernetes-service", "--kubernetes-namespace", "--verbose"), worker.keySet());
        assertEquals(new CliDoc.Flag(true, true), worker.get("--model"));
        assertEquals(new CliDoc.Flag(true, false), worker.get("--tokenizer"));
        assertEquals(new CliDoc.Flag(true, false), worker.get("--kubernetes-namespace"));
        assertEquals(new CliDoc.Flag(false, false), worker.get("--verbose"));
        assertEquals(new CliDoc.Flag(false, false), doc.flags("submit").get("--json"));
        assertEquals(new CliDoc.Flag(true, true), doc.flags("submit").get("--url"));
    }

    @Test
    void jvmFlagsCompareInEitherSpelling() {
        assertEquals(JvmFlags.normalise(List.of("--add-modules=a,b", "-Xmx1g")),
                JvmFlags.normalise(List.of("--add-modules", "a,b", "-Xmx1g")));
        String script = """
                { "$JAVA_HOME/bin/java" --add-modules m --enable-native-access=ALL-UNNAMED \\
                    -XX:+UseParallelGC ${JAVA_OPTS:-} -jar "$jar" "$@"; }
                """;
        assertEquals(Set.of("--add-modules=m", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC"), JvmFlags.ofLauncher(script));
    }

    @Test
    void dockerignoreLastMatchDecides() {
        DockerIgnore ignore = DockerIgnore.parse("# comment\n*\n!a/target/x.jar\n**/*.tmp\n");
        assertTrue(ignore.excludes("a/src/Main.java"));
        assertFalse(ignore.excludes("a/target/x.jar"));
        assertTrue(ignore.excludes("a/target/y.jar"));
        assertTrue(DockerIgnore.parse("**/*.tmp").excludes("a/b/c.tmp"));
        assertFalse(DockerIgnore.parse("**/*.tmp").excludes("a/b/c.txt"));
        assertFalse(DockerIgnore.parse("").excludes("anything"));
    }

    @Test
    void dockerfileInstructionsJoinContinuations() {
        Dockerfile d = Dockerfile.parse("""
                # comment
                FROM base:1
                ENTRYPOINT ["java", \\
                            "-jar", "a.jar"]
                cmd ["--help"]
                """);
        assertEquals(List.of("java", "-jar", "a.jar"), d.last("ENTRYPOINT").execForm());
        assertEquals(List.of("--help"), d.last("CMD").execForm());
        assertEquals("base:1", d.last("FROM").arguments());
    }
}
