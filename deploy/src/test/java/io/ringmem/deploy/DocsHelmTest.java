package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The Helm steps of docs/deploy.md (see {@link DocsHelm}) are there: an install, an hf: model, GPU workers, scaling
 * and an upgrade. Their renders go through all the wiring checks with the others ({@link Renders#all()}); a value
 * they set that the chart does not define fails the render (the chart's values.schema.json rejects unknown keys).
 */
class DocsHelmTest {

    @Test
    void theDocsShowTheSteps() {
        List<DocsHelm.Command> commands = DocsHelm.commands(RepoFiles.root().resolve("deploy/target/docs-values"));
        List<String> texts = commands.stream().map(DocsHelm.Command::text).toList();
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("helm install ")), "an install: " + texts);
        assertTrue(commands.stream().anyMatch(c -> c.setKeys().contains("worker.replicas")), "scaling workers: " + texts);
        assertTrue(commands.stream().anyMatch(c -> c.setKeys().contains("worker.minReadySeconds")), "an upgrade: " + texts);
        assertTrue(texts.stream().anyMatch(t -> t.contains("-f values-gpu.yaml")), "GPU workers: " + texts);
        assertTrue(texts.stream().anyMatch(t -> t.contains("-f values-hf.yaml")), "an hf: model: " + texts);
        assertEquals(Set.of("values-gpu.yaml", "values-hf.yaml"), DocsHelm.valuesFiles().keySet());
        assertEquals(commands.size(), Renders.docs().size(), "each command rendered");
    }
}
