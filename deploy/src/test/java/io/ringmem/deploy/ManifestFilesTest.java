package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/** The files of deploy/k8s: all listed by the kustomization, all parsed into typed objects, no stray fields. */
class ManifestFilesTest {
    private static Manifests manifests;

    @BeforeAll
    static void load() {
        manifests = Manifests.load();
    }

    @Test
    void kustomizationListsEveryManifestFileOnce() {
        List<String> listed = manifests.resourceFiles().stream().sorted().toList();
        assertEquals(Manifests.yamlFilesOnDisk(), listed, "kustomization.yaml resources vs. the *.yaml files in deploy/k8s");
        assertEquals(listed.size(), listed.stream().distinct().count(), "a file listed twice: " + listed);
    }

    @Test
    void everyResourceParsesIntoItsTypedModel() {
        assertFalse(manifests.all().isEmpty());
        for (Manifests.Manifest m : manifests.all()) {
            assertFalse(m.resource() instanceof GenericKubernetesResource,
                    m.file() + ": fabric8 does not know " + m.resource().getApiVersion() + "/" + m.resource().getKind());
            assertNotNull(m.resource().getMetadata(), m.file() + ": no metadata");
            assertNotNull(m.resource().getMetadata().getName(), m.file() + ": no metadata.name");
        }
    }

    @Test
    void noFieldIsUnknownToTheModel() {
        for (Manifests.Manifest m : manifests.all()) {
            assertEquals(List.of(), UnknownFields.find(m.resource()), m.file() + ": fields the Kubernetes API does not define");
        }
    }

    @Test
    void manifestsNameNoNamespace() {
        assertFalse(Manifests.parseMap(RepoFiles.read(Manifests.DIR + "/" + Manifests.KUSTOMIZATION)).containsKey("namespace"),
                "kustomization.yaml pins a namespace");
        for (Manifests.Manifest m : manifests.all()) {
            assertNull(m.resource().getMetadata().getNamespace(), m.file() + ": metadata.namespace is set");
        }
        for (RoleBinding b : manifests.ofType(RoleBinding.class)) {
            b.getSubjects().forEach(s -> assertNull(s.getNamespace(), "RoleBinding " + b.getMetadata().getName()
                    + ": a subject names a namespace (without one it means the binding's own)"));
        }
    }

    @Test
    void everyResourceIsLabelledPartOfRingmem() {
        for (Manifests.Manifest m : manifests.all()) {
            Map<String, String> labels = m.resource().getMetadata().getLabels();
            assertTrue(labels != null && "ringmem".equals(labels.get("app.kubernetes.io/part-of")),
                    m.file() + ": no label app.kubernetes.io/part-of=ringmem");
        }
    }

    @Test
    void theDeploymentHasItsParts() {
        manifests.named(ServiceAccount.class, "ringmem");
        manifests.named(Role.class, "ringmem-discovery");
        manifests.named(RoleBinding.class, "ringmem-discovery");
        manifests.named(ConfigMap.class, "ringmem-config");
        manifests.named(PersistentVolumeClaim.class, "ringmem-models");
        manifests.named(Service.class, "ringmem-hz");
        manifests.named(Service.class, "ringmem");
        manifests.named(PodDisruptionBudget.class, "ringmem-worker");
        assertEquals(3, manifests.named(StatefulSet.class, "ringmem-worker").getSpec().getReplicas(), "worker replicas");
        Deployment coordinator = manifests.named(Deployment.class, "ringmem-coordinator");
        assertEquals(1, coordinator.getSpec().getReplicas(), "coordinator replicas: one coordinator serves the REST API");
        assertEquals("Recreate", coordinator.getSpec().getStrategy().getType(),
                "a rolling update would run two coordinators side by side");
    }
}
