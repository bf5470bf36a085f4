package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * How the manifests refer to each other: selectors against pod labels, services against container ports, the
 * StatefulSet's governing service, RBAC, ConfigMap keys and volumes. The API server accepts every one of these
 * mistakes and the cluster then fails at run time, so they are checked here.
 */
class ManifestWiringTest {
    private static final String WORKERS = "ringmem-worker";
    private static final String COORDINATOR = "ringmem-coordinator";
    private static Manifests manifests;

    @BeforeAll
    static void load() {
        manifests = Manifests.load();
    }

    @Test
    void workloadSelectorsMatchTheirPodTemplates() {
        assertEquals(2, manifests.workloads().size(), "one worker StatefulSet and one coordinator Deployment");
        for (Manifests.Workload w : manifests.workloads()) {
            assertTrue(Selectors.matches(w.selector(), w.template().getMetadata().getLabels()),
                    w.kind() + " " + w.name() + ": spec.selector does not match its pod template's labels");
        }
    }

    @Test
    void theWorkloadSelectorsDoNotOverlap() {
        Manifests.Workload workers = manifests.workload(WORKERS);
        Manifests.Workload coordinator = manifests.workload(COORDINATOR);
        assertFalse(Selectors.matches(workers.selector(), coordinator.template().getMetadata().getLabels()),
                "the worker StatefulSet's selector also matches coordinator pods");
        assertFalse(Selectors.matches(coordinator.selector(), workers.template().getMetadata().getLabels()),
                "the coordinator Deployment's selector also matches worker pods");
    }

    @Test
    void everyServiceSelectsPodsWhoseContainersServeItsTargetPorts() {
        for (Service s : manifests.ofType(Service.class)) {
            List<Manifests.Workload> selected = selected(s);
            assertFalse(selected.isEmpty(), "Service " + s.getMetadata().getName() + " selects no pod template");
            for (Manifests.Workload w : selected) {
                for (ServicePort p : s.getSpec().getPorts()) {
                    IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
                    boolean served = w.template().getSpec().getContainers().stream().anyMatch(c -> Pods.resolve(c, target).isPresent());
                    assertTrue(served, "Service " + s.getMetadata().getName() + " port " + p.getPort() + " -> " + Pods.describe(target)
                            + ": no container of " + w.name() + " has that port");
                }
            }
        }
    }

    @Test
    void theHazelcastServiceIsHeadlessAndSelectsBothRoles() {
        Service hz = manifests.named(Service.class, "ringmem-hz");
        assertEquals("None", hz.getSpec().getClusterIP(), "ringmem-hz must be headless for Kubernetes discovery");
        assertEquals(Boolean.TRUE, hz.getSpec().getPublishNotReadyAddresses(),
                "pods become ready only after joining the cluster, so discovery must see not-ready pods");
        assertEquals(Map.of("app.kubernetes.io/part-of", "ringmem"), hz.getSpec().getSelector());
        assertEquals(Set.of(WORKERS, COORDINATOR), selected(hz).stream().map(Manifests.Workload::name).collect(Collectors.toSet()));
        assertEquals(List.of(5701), hz.getSpec().getPorts().stream().map(ServicePort::getPort).toList());
    }

    @Test
    void theRestServiceSelectsOnlyTheCoordinator() {
        Service rest = manifests.named(Service.class, "ringmem");
        assertEquals("ClusterIP", rest.getSpec().getType());
        assertEquals(List.of(COORDINATOR), selected(rest).stream().map(Manifests.Workload::name).toList());
        assertEquals(List.of(8080), rest.getSpec().getPorts().stream().map(ServicePort::getPort).toList());
    }

    @Test
    void theWorkerStatefulSetIsGovernedByAHeadlessServiceThatSelectsIt() {
        StatefulSet sts = manifests.named(StatefulSet.class, WORKERS);
        Service governing = manifests.named(Service.class, sts.getSpec().getServiceName());
        assertEquals("None", governing.getSpec().getClusterIP(), "serviceName must name a headless service");
        assertTrue(Selectors.matches(governing.getSpec().getSelector(), sts.getSpec().getTemplate().getMetadata().getLabels()));
    }

    @Test
    void theDisruptionBudgetAndAntiAffinityCoverExactlyTheWorkers() {
        PodDisruptionBudget pdb = manifests.named(PodDisruptionBudget.class, "ringmem-worker");
        assertTrue(Selectors.matches(pdb.getSpec().getSelector(), labels(WORKERS)), "the PDB does not select the workers");
        assertFalse(Selectors.matches(pdb.getSpec().getSelector(), labels(COORDINATOR)), "the PDB also selects the coordinator");
        PodSpec spec = manifests.workload(WORKERS).template().getSpec();
        for (WeightedPodAffinityTerm t : spec.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()) {
            assertTrue(Selectors.matches(t.getPodAffinityTerm().getLabelSelector(), labels(WORKERS)),
                    "the workers' anti-affinity term does not select worker pods");
        }
    }

    @Test
    void podsRunAsTheServiceAccountTheRoleIsBoundTo() {
        RoleBinding binding = manifests.named(RoleBinding.class, "ringmem-discovery");
        assertEquals("Role", binding.getRoleRef().getKind());
        Role role = manifests.named(Role.class, binding.getRoleRef().getName());
        assertEquals(1, binding.getSubjects().size());
        assertEquals("ServiceAccount", binding.getSubjects().getFirst().getKind());
        ServiceAccount account = manifests.named(ServiceAccount.class, binding.getSubjects().getFirst().getName());
        for (Manifests.Workload w : manifests.workloads()) {
            assertEquals(account.getMetadata().getName(), w.template().getSpec().getServiceAccountName(),
                    w.name() + " runs as another service account than the one bound to " + role.getMetadata().getName());
        }
    }

    @Test
    void theRoleGrantsWhatHazelcastDiscoveryReads() {
        Role role = manifests.named(Role.class, "ringmem-discovery");
        for (String[] groupAndResource : new String[][]{{"", "endpoints"}, {"", "pods"}, {"", "services"},
                {"discovery.k8s.io", "endpointslices"}}) {
            for (String verb : List.of("get", "list", "watch")) {
                assertTrue(role.getRules().stream().anyMatch(r -> grants(r, groupAndResource[0], groupAndResource[1], verb)),
                        "the role does not grant " + verb + " on " + groupAndResource[1]);
            }
        }
        for (PolicyRule r : role.getRules()) {
            assertTrue(r.getVerbs().stream().allMatch(v -> Set.of("get", "list", "watch").contains(v)),
                    "discovery needs read access only, the role grants " + r.getVerbs());
        }
    }

    @Test
    void configMapReferencesNameExistingKeys() {
        for (Manifests.Workload w : manifests.workloads()) {
            for (Container c : Pods.containers(w.template().getSpec())) {
                for (EnvVar e : Pods.env(c).values()) {
                    if (e.getValueFrom() == null || e.getValueFrom().getConfigMapKeyRef() == null) continue;
                    var ref = e.getValueFrom().getConfigMapKeyRef();
                    ConfigMap cm = manifests.named(ConfigMap.class, ref.getName());
                    assertTrue(cm.getData() != null && cm.getData().containsKey(ref.getKey()),
                            w.name() + "/" + c.getName() + " env " + e.getName() + ": ConfigMap " + ref.getName()
                                    + " has no key " + ref.getKey());
                }
                if (c.getEnvFrom() != null) {
                    c.getEnvFrom().stream().filter(f -> f.getConfigMapRef() != null)
                            .forEach(f -> manifests.named(ConfigMap.class, f.getConfigMapRef().getName()));
                }
            }
        }
    }

    @Test
    void volumesResolveAndModelsAreMountedReadOnly() {
        for (Manifests.Workload w : manifests.workloads()) {
            PodSpec spec = w.template().getSpec();
            Map<String, Volume> volumes = spec.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
            for (Volume v : volumes.values()) {
                if (v.getPersistentVolumeClaim() != null) {
                    manifests.named(PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName());
                }
            }
            boolean modelsMounted = false;
            for (Container c : Pods.containers(spec)) {
                for (VolumeMount m : c.getVolumeMounts()) {
                    assertNotNull(volumes.get(m.getName()), w.name() + "/" + c.getName() + " mounts an undefined volume " + m.getName());
                    if (m.getMountPath().equals("/models")) {
                        modelsMounted = true;
                        assertEquals(Boolean.TRUE, m.getReadOnly(), w.name() + ": /models must be mounted read-only");
                    }
                }
            }
            assertTrue(modelsMounted, w.name() + " does not mount /models");
        }
    }

    private static List<Manifests.Workload> selected(Service s) {
        return manifests.workloads().stream()
                .filter(w -> Selectors.matches(s.getSpec().getSelector(), w.template().getMetadata().getLabels()))
                .toList();
    }

    private static Map<String, String> labels(String workload) {
        return manifests.workload(workload).template().getMetadata().getLabels();
    }

    private static boolean grants(PolicyRule r, String group, String resource, String verb) {
        return r.getApiGroups().contains(group) && (r.getResources().contains(resource) || r.getResources().contains("*"))
                && (r.getVerbs().contains(verb) || r.getVerbs().contains("*"));
    }
}
