package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The Helm steps of docs/deploy.md (see {@link DocsHelm}): they are there (install, an hf: model, GPU workers,
 * scaling, an upgrade), and every value they set exists in the chart's values.yaml, since Helm silently ignores an
 * unknown or misspelt key. Their renders go through all the wiring checks with the others ({@link Renders#all()}).
 */
class DocsHelmTest {

    @Test
    void theDocsShowTheSteps() {
        List<String> texts = Renders.docs().stream().map(Manifests::toString).toList();
        List<DocsHelm.Command> commands = DocsHelm.commands(RepoFiles.root().resolve("deploy/target/docs-values"));
        assertTrue(commands.stream().anyMatch(c -> c.text().startsWith("helm install ")), "an install: " + texts);
        assertTrue(commands.stream().anyMatch(c -> c.setKeys().contains("worker.replicas")), "scaling workers: " + texts);
        assertTrue(commands.stream().anyMatch(c -> c.setKeys().contains("worker.minReadySeconds")), "an upgrade: " + texts);
        assertEquals(Set.of("values-gpu.yaml", "values-hf.yaml"), DocsHelm.valuesFiles().keySet());
        assertTrue(Renders.docs().size() >= 5, texts.toString());
    }

    @Test
    void everyValueTheDocsSetExistsInTheChart() {
        Map<String, Object> defaults = Manifests.parseMap(RepoFiles.read(Renders.CHART + "/values.yaml"));
        List<String> unknown = new ArrayList<>();
        for (DocsHelm.Command c : DocsHelm.commands(RepoFiles.root().resolve("deploy/target/docs-values"))) {
            for (String key : c.setKeys()) {
                if (!known(defaults, List.of(key.split("\\.")))) unknown.add(c.text() + ": " + key);
            }
        }
        DocsHelm.valuesFiles().forEach((file, yaml) -> unknownKeys(defaults, Manifests.parseMap(yaml), file, unknown));
        assertEquals(List.of(), unknown, "values the chart does not define");
    }

    @Test
    void theKeyCheckFindsATypo() {
        Map<String, Object> defaults = Manifests.parseMap(RepoFiles.read(Renders.CHART + "/values.yaml"));
        List<String> unknown = new ArrayList<>();
        unknownKeys(defaults, Map.of("worker", Map.of("replica", 2, "nodeSelector", Map.of("any", "x"))), "t", unknown);
        assertEquals(List.of("t: worker.replica"), unknown);
        assertTrue(known(defaults, List.of("worker", "gpu")));
    }

    /** Whether a dotted path exists in the defaults; below an empty map (nodeSelector: {}) any key is allowed. */
    private static boolean known(Map<String, Object> defaults, List<String> path) {
        Object node = defaults;
        for (String p : path) {
            if (!(node instanceof Map<?, ?> m)) return false;
            if (m.isEmpty()) return true;
            if (!m.containsKey(p)) return false;
            node = m.get(p);
        }
        return true;
    }

    private static void unknownKeys(Map<String, Object> defaults, Map<?, ?> given, String prefix, List<String> out) {
        walk(defaults, given, prefix + ": ", out);
    }

    private static void walk(Object defaults, Map<?, ?> given, String path, List<String> out) {
        if (!(defaults instanceof Map<?, ?> d) || d.isEmpty()) return;
        for (Map.Entry<?, ?> e : given.entrySet()) {
            String p = path + (path.endsWith(": ") ? "" : ".") + e.getKey();
            if (!d.containsKey(e.getKey())) {
                out.add(p);
            } else if (e.getValue() instanceof Map<?, ?> sub) {
                walk(d.get(e.getKey()), sub, p, out);
            }
        }
    }
}
