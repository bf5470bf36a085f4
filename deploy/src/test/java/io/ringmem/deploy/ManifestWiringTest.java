package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1WeightedPodAffinityTerm;

/**
 * How the manifests refer to each other: selectors against pod labels, services against container ports, the
 * V1StatefulSet's governing service, RBAC, V1ConfigMap keys and volumes. The API server accepts every one of these
 * mistakes and the cluster then fails at run time, so they are checked here.
 */
class ManifestWiringTest {
    private static final String WORKERS = "ringmem-worker";
    private static final String COORDINATOR = "ringmem-coordinator";

    @OnEveryRender
    void workloadSelectorsMatchTheirPodTemplates(Manifests manifests) {
        assertEquals(2, manifests.workloads().size(), "one worker StatefulSet and one coordinator Deployment");
        for (Manifests.Workload w : manifests.workloads()) {
            assertTrue(Selectors.matches(w.selector(), w.template().getMetadata().getLabels()),
                    w.kind() + " " + w.name() + ": spec.selector does not match its pod template's labels");
        }
    }

    @OnEveryRender
    void theWorkloadSelectorsDoNotOverlap(Manifests manifests) {
        Manifests.Workload workers = manifests.workload(WORKERS);
        Manifests.Workload coordinator = manifests.workload(COORDINATOR);
        assertFalse(Selectors.matches(workers.selector(), coordinator.template().getMetadata().getLabels()),
                "the worker StatefulSet's selector also matches coordinator pods");
        assertFalse(Selectors.matches(coordinator.selector(), workers.template().getMetadata().getLabels()),
                "the coordinator Deployment's selector also matches worker pods");
    }

    @OnEveryRender
    void everyServiceSelectsPodsWhoseContainersServeItsTargetPorts(Manifests manifests) {
        for (V1Service s : manifests.ofType(V1Service.class)) {
            List<Manifests.Workload> selected = selected(manifests, s);
            assertFalse(selected.isEmpty(), "Service " + s.getMetadata().getName() + " selects no pod template");
            for (Manifests.Workload w : selected) {
                for (V1ServicePort p : s.getSpec().getPorts()) {
                    IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
                    boolean served = w.template().getSpec().getContainers().stream().anyMatch(c -> Pods.resolve(c, target).isPresent());
                    assertTrue(served, "Service " + s.getMetadata().getName() + " port " + p.getPort() + " -> " + Pods.describe(target)
                            + ": no container of " + w.name() + " has that port");
                }
            }
        }
    }

    @OnEveryRender
    void theHazelcastServiceIsHeadlessAndSelectsBothRoles(Manifests manifests) {
        V1Service hz = manifests.named(V1Service.class, "ringmem-hz");
        assertEquals("None", hz.getSpec().getClusterIP(), "ringmem-hz must be headless for Kubernetes discovery");
        assertEquals(Boolean.TRUE, hz.getSpec().getPublishNotReadyAddresses(),
                "pods become ready only after joining the cluster, so discovery must see not-ready pods");
        assertEquals(Map.of("app.kubernetes.io/part-of", "ringmem"), hz.getSpec().getSelector());
        assertEquals(Set.of(WORKERS, COORDINATOR),
                selected(manifests, hz).stream().map(Manifests.Workload::name).collect(Collectors.toSet()));
        assertEquals(List.of(5701), hz.getSpec().getPorts().stream().map(V1ServicePort::getPort).toList());
    }

    @OnEveryRender
    void theRestServiceSelectsOnlyTheCoordinator(Manifests manifests) {
        V1Service rest = manifests.named(V1Service.class, "ringmem");
        assertEquals("ClusterIP", rest.getSpec().getType());
        assertEquals(List.of(COORDINATOR), selected(manifests, rest).stream().map(Manifests.Workload::name).toList());
        assertEquals(List.of(8080), rest.getSpec().getPorts().stream().map(V1ServicePort::getPort).toList());
    }

    @OnEveryRender
    void theWorkerStatefulSetIsGovernedByAHeadlessServiceThatSelectsIt(Manifests manifests) {
        V1StatefulSet sts = manifests.named(V1StatefulSet.class, WORKERS);
        V1Service governing = manifests.named(V1Service.class, sts.getSpec().getServiceName());
        assertEquals("None", governing.getSpec().getClusterIP(), "serviceName must name a headless service");
        assertTrue(Selectors.matches(governing.getSpec().getSelector(), sts.getSpec().getTemplate().getMetadata().getLabels()));
    }

    @OnEveryRender
    void theDisruptionBudgetAndAntiAffinityCoverExactlyTheWorkers(Manifests manifests) {
        V1PodDisruptionBudget pdb = manifests.named(V1PodDisruptionBudget.class, "ringmem-worker");
        assertTrue(Selectors.matches(pdb.getSpec().getSelector(), labels(manifests, WORKERS)), "the PDB does not select the workers");
        assertFalse(Selectors.matches(pdb.getSpec().getSelector(), labels(manifests, COORDINATOR)), "the PDB also selects the coordinator");
        V1PodSpec spec = manifests.workload(WORKERS).template().getSpec();
        for (V1WeightedPodAffinityTerm t : spec.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()) {
            assertTrue(Selectors.matches(t.getPodAffinityTerm().getLabelSelector(), labels(manifests, WORKERS)),
                    "the workers' anti-affinity term does not select worker pods");
        }
    }

    @OnEveryRender
    void podsRunAsTheServiceAccountTheRoleIsBoundTo(Manifests manifests) {
        V1RoleBinding binding = manifests.named(V1RoleBinding.class, "ringmem-discovery");
        assertEquals("Role", binding.getRoleRef().getKind());
        V1Role role = manifests.named(V1Role.class, binding.getRoleRef().getName());
        assertEquals(1, binding.getSubjects().size());
        assertEquals("ServiceAccount", binding.getSubjects().getFirst().getKind());
        V1ServiceAccount account = manifests.named(V1ServiceAccount.class, binding.getSubjects().getFirst().getName());
        for (Manifests.Workload w : manifests.workloads()) {
            assertEquals(account.getMetadata().getName(), w.template().getSpec().getServiceAccountName(),
                    w.name() + " runs as another service account than the one bound to " + role.getMetadata().getName());
        }
    }

    @OnEveryRender
    void theRoleGrantsWhatHazelcastDiscoveryReads(Manifests manifests) {
        V1Role role = manifests.named(V1Role.class, "ringmem-discovery");
        for (String[] groupAndResource : new String[][]{{"", "endpoints"}, {"", "pods"}, {"", "services"},
                {"discovery.k8s.io", "endpointslices"}}) {
            for (String verb : List.of("get", "list", "watch")) {
                assertTrue(role.getRules().stream().anyMatch(r -> grants(r, groupAndResource[0], groupAndResource[1], verb)),
                        "the role does not grant " + verb + " on " + groupAndResource[1]);
            }
        }
        for (V1PolicyRule r : role.getRules()) {
            assertTrue(r.getVerbs().stream().allMatch(v -> Set.of("get", "list", "watch").contains(v)),
                    "discovery needs read access only, the role grants " + r.getVerbs());
        }
    }

    @OnEveryRender
    void configMapReferencesNameExistingKeys(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            for (V1Container c : Pods.containers(w.template().getSpec())) {
                for (V1EnvVar e : Pods.env(c).values()) {
                    if (e.getValueFrom() == null || e.getValueFrom().getConfigMapKeyRef() == null) continue;
                    var ref = e.getValueFrom().getConfigMapKeyRef();
                    V1ConfigMap cm = manifests.named(V1ConfigMap.class, ref.getName());
                    assertTrue(cm.getData() != null && cm.getData().containsKey(ref.getKey()),
                            w.name() + "/" + c.getName() + " env " + e.getName() + ": ConfigMap " + ref.getName()
                                    + " has no key " + ref.getKey());
                }
                if (c.getEnvFrom() != null) {
                    c.getEnvFrom().stream().filter(f -> f.getConfigMapRef() != null)
                            .forEach(f -> manifests.named(V1ConfigMap.class, f.getConfigMapRef().getName()));
                }
            }
        }
    }

    @OnEveryRender
    void secretReferencesNameSecretsTheOperatorProvides(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            V1PodSpec spec = w.template().getSpec();
            for (V1Container c : Pods.containers(spec)) {
                for (V1EnvVar e : Pods.env(c).values()) {
                    if (e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null) continue;
                    String secret = e.getValueFrom().getSecretKeyRef().getName();
                    assertTrue(manifests.isExternal("Secret", secret), w.name() + " env " + e.getName() + ": unknown Secret " + secret);
                }
            }
            for (V1Volume v : spec.getVolumes()) {
                if (v.getSecret() == null) continue;
                assertTrue(manifests.resolves(V1Secret.class, "Secret", v.getSecret().getSecretName()),
                        w.name() + ": unknown Secret " + v.getSecret());
                assertTrue(Pods.containers(spec).stream().flatMap(c -> c.getVolumeMounts().stream())
                        .filter(m -> m.getName().equals(v.getName())).allMatch(m -> Boolean.TRUE.equals(m.getReadOnly())),
                        w.name() + ": secret volume " + v.getName() + " mounted writable");
            }
        }
    }

    @OnEveryRender
    void volumesResolveAndModelsAreMountedReadOnly(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            V1PodSpec spec = w.template().getSpec();
            Map<String, V1Volume> volumes = spec.getVolumes().stream().collect(Collectors.toMap(V1Volume::getName, v -> v));
            for (V1Volume v : volumes.values()) {
                if (v.getPersistentVolumeClaim() != null) {
                    String claim = v.getPersistentVolumeClaim().getClaimName();
                    assertTrue(manifests.resolves(V1PersistentVolumeClaim.class, "PersistentVolumeClaim", claim),
                            w.name() + ": volume " + v.getName() + " names an unknown claim " + claim);
                }
            }
            for (V1Container c : Pods.containers(spec)) {
                for (V1VolumeMount m : c.getVolumeMounts()) {
                    assertNotNull(volumes.get(m.getName()), w.name() + "/" + c.getName() + " mounts an undefined volume " + m.getName());
                    if (m.getMountPath().equals("/models")) {
                        assertEquals(Boolean.TRUE, m.getReadOnly(), w.name() + ": /models must be mounted read-only");
                    }
                }
            }
        }
    }

    private static List<Manifests.Workload> selected(Manifests manifests, V1Service s) {
        return manifests.workloads().stream()
                .filter(w -> Selectors.matches(s.getSpec().getSelector(), w.template().getMetadata().getLabels()))
                .toList();
    }

    private static Map<String, String> labels(Manifests manifests, String workload) {
        return manifests.workload(workload).template().getMetadata().getLabels();
    }

    private static boolean grants(V1PolicyRule r, String group, String resource, String verb) {
        return r.getApiGroups().contains(group) && (r.getResources().contains(resource) || r.getResources().contains("*"))
                && (r.getVerbs().contains(verb) || r.getVerbs().contains("*"));
    }
}
