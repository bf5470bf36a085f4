package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;

/**
 * The Helm chart deploy/helm/ringmem: {@code helm lint --strict} with the default and the full values; the default
 * render equals the kustomize base object for object (Helm's bookkeeping labels aside); the full values turn on
 * what they promise (GPU limits and scheduling, the hf: model with its token and cache, the auth secret, the
 * Ingress and the ServiceMonitor) and those extra objects point at what exists.
 */
class HelmChartTest {
    /** Labels only the chart sets, on object metadata (never in selectors or pod templates). */
    private static final List<String> HELM_LABELS = List.of("app.kubernetes.io/instance", "app.kubernetes.io/managed-by",
            "app.kubernetes.io/version", "helm.sh/chart");

    @Test
    void lintsStrictlyWithDefaultAndFullValues() {
        for (List<String> extra : List.of(List.<String>of(), List.of("-f", Renders.FULL_VALUES))) {
            List<String> args = new ArrayList<>(List.of("lint", "--strict", Renders.CHART));
            args.addAll(extra);
            String out = K8sTools.helm(args.toArray(String[]::new));
            assertTrue(out.contains("1 chart(s) linted, 0 chart(s) failed"), out);
            assertFalse(out.contains("[WARNING]") || out.contains("[ERROR]"), out);
        }
    }

    @Test
    void theValuesSchemaRejectsUnknownKeysAndWrongTypes() {
        for (String[] setAndComplaint : new String[][]{{"worker.replica=2", "replica"}, {"worker.gpu=one", "gpu"},
                {"ingres.enabled=true", "ingres"}}) {
            K8sTools.Result r = K8sTools.run("helm", "template", Renders.RELEASE, Renders.CHART, "--set", setAndComplaint[0]);
            assertTrue(r.exitCode() != 0 && r.stderr().contains(setAndComplaint[1]),
                    "helm template --set " + setAndComplaint[0] + " should fail on the schema: " + r.stderr());
        }
    }

    @Test
    void theDefaultRenderEqualsTheKustomizeBase() {
        Map<String, JsonElement> helm = normalized(Renders.helmDefault());
        Map<String, JsonElement> kustomize = normalized(Renders.kustomize());
        assertEquals(kustomize.keySet(), helm.keySet(), "kinds and names");
        kustomize.forEach((key, k) -> assertEquals(k, helm.get(key), key + ": helm (right) vs kustomize (left)"));
    }

    @Test
    void theChartLabelsEveryObjectAsAHelmRelease() {
        for (KubernetesObject o : Renders.helmDefault().all()) {
            for (String label : HELM_LABELS) {
                assertNotNull(o.getMetadata().getLabels().get(label), o.getKind() + " " + o.getMetadata().getName() + ": no " + label);
            }
        }
    }

    @Test
    void gpuWorkersGetTheDeviceLimitAndTheGpuNodes() {
        V1StatefulSet sts = Renders.helmFull().named(V1StatefulSet.class, "ringmem-worker");
        V1PodSpec spec = sts.getSpec().getTemplate().getSpec();
        V1Container worker = spec.getContainers().getFirst();
        assertEquals("1", worker.getResources().getLimits().get("nvidia.com/gpu").toSuffixedString());
        assertEquals(Map.of("nvidia.com/gpu.present", "true"), spec.getNodeSelector());
        assertTrue(spec.getTolerations().stream().anyMatch(t -> "nvidia.com/gpu".equals(t.getKey())), "GPU taint tolerated");
        assertNotNull(spec.getAffinity().getNodeAffinity(), "the values' node affinity");
        assertNotNull(spec.getAffinity().getPodAntiAffinity(), "the default anti-affinity stays next to the values' affinity");
        assertEquals(4, sts.getSpec().getReplicas());
        V1PodSpec coordinator = Renders.helmFull().named(V1Deployment.class, "ringmem-coordinator").getSpec().getTemplate().getSpec();
        assertNull(coordinator.getContainers().getFirst().getResources().getLimits().get("nvidia.com/gpu"), "the coordinator needs no GPU");
        assertEquals(Map.of("kubernetes.io/os", "linux"), coordinator.getNodeSelector());
    }

    @Test
    void anHfModelIsDownloadedWithTheTokenAndNeedsNoModelsClaim() {
        Manifests full = Renders.helmFull();
        assertTrue(full.ofType(V1PersistentVolumeClaim.class).isEmpty(), "no models claim for an hf: model");
        for (Manifests.Workload w : full.workloads()) {
            V1Container c = w.template().getSpec().getContainers().getFirst();
            assertEquals("$(RINGMEM_MODEL)", Pods.flagValue(c, "--model"));
            var token = Pods.env(c).get("HF_TOKEN").getValueFrom().getSecretKeyRef();
            assertEquals("hf-token", token.getName(), w.name());
            assertTrue(c.getVolumeMounts().stream().noneMatch(m -> m.getMountPath().equals("/models")), w.name());
            assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/var/run/secrets/ringmem/auth")
                    && Boolean.TRUE.equals(m.getReadOnly())), w.name() + ": auth.existingSecret mounted read-only");
        }
    }

    @Test
    void theIngressReachesTheRestServicesHttpPort() {
        Manifests full = Renders.helmFull();
        V1Ingress ingress = full.named(V1Ingress.class, "ringmem");
        V1IngressBackend backend = ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend();
        V1Service rest = full.named(V1Service.class, backend.getService().getName());
        assertTrue(rest.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(backend.getService().getPort().getName())),
                "the Ingress names a port the service lacks");
        assertTrue(full.isExternal("Secret", ingress.getSpec().getTls().getFirst().getSecretName()));
        assertTrue(Renders.helmDefault().ofType(V1Ingress.class).isEmpty(), "no Ingress by default");
    }

    @Test
    void theServiceMonitorSelectsTheMetricsServiceOnANamedPort() {
        Manifests full = Renders.helmFull();
        List<KubeModels.CustomObject> monitors = full.ofType(KubeModels.CustomObject.class);
        assertEquals(1, monitors.size());
        KubeModels.CustomObject sm = monitors.getFirst();
        assertEquals("ServiceMonitor", sm.getKind());
        assertEquals("prometheus", sm.getMetadata().getLabels().get("release"), "the values' labels for the Prometheus selector");
        @SuppressWarnings("unchecked")
        Map<String, String> match = (Map<String, String>) ((Map<String, Object>) sm.spec().get("selector")).get("matchLabels");
        List<V1Service> selected = full.ofType(V1Service.class).stream()
                .filter(s -> Selectors.matches(match, s.getMetadata().getLabels())).toList();
        assertEquals(List.of("ringmem-metrics"), selected.stream().map(s -> s.getMetadata().getName()).toList());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) sm.spec().get("endpoints");
        for (Map<String, Object> e : endpoints) {
            assertEquals("/metrics", e.get("path"));
            assertTrue(selected.getFirst().getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(e.get("port"))),
                    "endpoint port " + e.get("port") + " is no named port of ringmem-metrics");
        }
        assertTrue(Renders.helmDefault().ofType(KubeModels.CustomObject.class).isEmpty(), "no ServiceMonitor by default");
    }

    /** Each object as JSON by {@code Kind/name}, Helm's bookkeeping labels removed from its metadata. */
    private static Map<String, JsonElement> normalized(Manifests manifests) {
        Map<String, JsonElement> out = new TreeMap<>();
        for (KubernetesObject o : manifests.all()) {
            JsonObject json = JsonParser.parseString(JSON.serialize(o)).getAsJsonObject();
            JsonObject labels = json.getAsJsonObject("metadata").getAsJsonObject("labels");
            if (labels != null) HELM_LABELS.forEach(labels::remove);
            out.put(o.getKind() + "/" + o.getMetadata().getName(), json);
        }
        return out;
    }
}
