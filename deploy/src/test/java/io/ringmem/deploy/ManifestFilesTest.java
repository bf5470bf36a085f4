package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;

/**
 * The files of deploy/k8s (all listed by the kustomization) and the objects of every render: each one strictly
 * parsed into the Kubernetes client's models (done by loading them, see {@link KubeModels}), none naming a
 * namespace, all labelled part-of ringmem, and the parts of a deployment present.
 */
class ManifestFilesTest {

    @Test
    void kustomizationListsEveryManifestFileOnce() {
        List<String> listed = Manifests.kustomizationResources().stream().sorted().toList();
        assertEquals(Manifests.yamlFilesOnDisk(), listed, "kustomization.yaml resources vs. the *.yaml files in deploy/k8s");
        assertEquals(listed.size(), listed.stream().distinct().count(), "a file listed twice: " + listed);
    }

    @Test
    void everyFileParsesStrictlyAndTheKustomizationRendersThemAll() {
        int objects = 0;
        for (String file : Manifests.kustomizationResources()) {
            objects += KubeModels.parse(RepoFiles.read(Manifests.DIR + "/" + file)).size();
        }
        assertEquals(objects, Renders.kustomize().all().size(), "kubectl kustomize renders one object per object in the files");
    }

    @OnEveryRender
    void everyObjectHasKindAndName(Manifests manifests) {
        assertFalse(manifests.all().isEmpty());
        for (KubernetesObject o : manifests.all()) {
            assertNotNull(o.getKind(), manifests + ": an object without kind");
            assertNotNull(o.getMetadata(), manifests + ": " + o.getKind() + " without metadata");
            assertNotNull(o.getMetadata().getName(), manifests + ": " + o.getKind() + " without metadata.name");
        }
    }

    @OnEveryRender
    void nothingNamesANamespace(Manifests manifests) {
        assertFalse(Manifests.parseMap(RepoFiles.read(Manifests.DIR + "/" + Manifests.KUSTOMIZATION)).containsKey("namespace"),
                "kustomization.yaml pins a namespace");
        for (KubernetesObject o : manifests.all()) {
            assertNull(o.getMetadata().getNamespace(),
                    manifests + ": " + o.getKind() + " " + o.getMetadata().getName() + " names a namespace");
        }
        for (V1RoleBinding b : manifests.ofType(V1RoleBinding.class)) {
            b.getSubjects().forEach(s -> assertNull(s.getNamespace(), "RoleBinding " + b.getMetadata().getName()
                    + ": a subject names a namespace (without one it means the binding's own)"));
        }
    }

    @OnEveryRender
    void everyObjectIsLabelledPartOfRingmem(Manifests manifests) {
        for (KubernetesObject o : manifests.all()) {
            Map<String, String> labels = o.getMetadata().getLabels();
            assertTrue(labels != null && "ringmem".equals(labels.get("app.kubernetes.io/part-of")),
                    manifests + ": " + o.getKind() + " " + o.getMetadata().getName() + " has no label app.kubernetes.io/part-of=ringmem");
        }
    }

    @OnEveryRender
    void theDeploymentHasItsParts(Manifests manifests) {
        manifests.named(V1ServiceAccount.class, "ringmem");
        manifests.named(V1Role.class, "ringmem-discovery");
        manifests.named(V1RoleBinding.class, "ringmem-discovery");
        manifests.named(V1ConfigMap.class, "ringmem-config");
        manifests.named(V1Service.class, "ringmem-hz");
        manifests.named(V1Service.class, "ringmem");
        manifests.named(V1PodDisruptionBudget.class, "ringmem-worker");
        manifests.named(V1StatefulSet.class, "ringmem-worker");
        V1Deployment coordinator = manifests.named(V1Deployment.class, "ringmem-coordinator");
        assertEquals(1, coordinator.getSpec().getReplicas(), "coordinator replicas: one coordinator serves the REST API");
        assertEquals("Recreate", coordinator.getSpec().getStrategy().getType(),
                "a rolling update would run two coordinators side by side");
    }

    @Test
    void theDefaultsHaveThreeWorkersAndTheModelsClaim() {
        for (Manifests m : Renders.defaults()) {
            assertEquals(3, m.named(V1StatefulSet.class, "ringmem-worker").getSpec().getReplicas(), m + ": worker replicas");
            m.named(V1PersistentVolumeClaim.class, "ringmem-models");
        }
    }
}
