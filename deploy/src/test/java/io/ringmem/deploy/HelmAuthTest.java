package io.ringmem.deploy;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Volume;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's REST protection in the chart and the kustomize base: the API keys Secret mounted read-only and
 * passed as {@code --api-keys}, TLS from a Secret with HTTPS probes, the audit log and the request limits from the
 * values, and the generated keys Secret.
 */
class HelmAuthTest {
    private static V1PodSpec coordinator(Manifests m) {
        return m.named(V1Deployment.class, "ringmem-coordinator").getSpec().getTemplate().getSpec();
    }

    private static String after(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < args.size(), flag + " missing from " + args);
        return args.get(i + 1);
    }

    private static String secretOf(V1PodSpec spec, String volume) {
        V1Volume v = spec.getVolumes().stream().filter(x -> x.getName().equals(volume)).findFirst().orElseThrow();
        return v.getSecret().getSecretName();
    }

    @Test
    void theDefaultsMountTheOperatorsKeysSecretAndServePlainHttp() {
        for (Manifests m : Renders.defaults()) {
            V1PodSpec spec = coordinator(m);
            V1Container c = spec.getContainers().getFirst();
            assertEquals("/etc/ringmem/api-keys/api-keys", after(c.getArgs(), "--api-keys"), m.toString());
            assertEquals("ringmem-api-keys", secretOf(spec, "api-keys"), m.toString());
            assertEquals("8000000", after(c.getArgs(), "--max-job-tokens"), m.toString());
            assertEquals("33554432", after(c.getArgs(), "--max-request-bytes"), m.toString());
            assertTrue(!c.getArgs().contains("--tls-cert") && !c.getArgs().contains("--insecure-loopback"), m.toString());
            for (V1Probe p : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
                assertTrue(p.getHttpGet().getScheme() == null || p.getHttpGet().getScheme().equals("HTTP"), m.toString());
            }
        }
    }

    @Test
    void fullValuesSetKeysTlsAuditAndLimits() {
        V1PodSpec spec = coordinator(Renders.helmFull());
        V1Container c = spec.getContainers().getFirst();
        assertEquals("/etc/ringmem/api-keys/keys.txt", after(c.getArgs(), "--api-keys"));
        assertEquals("ringmem-keys", secretOf(spec, "api-keys"));
        assertEquals("/etc/ringmem/tls/tls.crt", after(c.getArgs(), "--tls-cert"));
        assertEquals("/etc/ringmem/tls/tls.key", after(c.getArgs(), "--tls-key"));
        assertEquals("ringmem-rest-tls", secretOf(spec, "tls"));
        assertEquals("/tmp/audit.jsonl", after(c.getArgs(), "--audit-log"));
        assertEquals("16000000", after(c.getArgs(), "--max-job-tokens"));
        assertEquals("67108864", after(c.getArgs(), "--max-request-bytes"));
        for (V1Probe p : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
            assertEquals("HTTPS", p.getHttpGet().getScheme(), "the probes speak TLS to a TLS port");
        }
    }

    @Test
    void aGeneratedKeysSecretHoldsOneRandomAdminKeyTheCoordinatorMounts() {
        String yaml = K8sTools.helm("template", Renders.RELEASE, Renders.CHART, "--set", "coordinator.apiKeys.generate=true");
        Manifests m = Manifests.parse("generated keys", yaml, Set.of());
        V1Secret secret = m.named(V1Secret.class, "ringmem-api-keys");
        String keys = new String(secret.getData().get("api-keys"), StandardCharsets.UTF_8);
        assertTrue(keys.matches("admin:[A-Za-z0-9]{48}:admin\n"), "one admin line of a 48-character key");
        assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
        assertEquals("ringmem-api-keys", secretOf(coordinator(m), "api-keys"));
        String again = K8sTools.helm("template", Renders.RELEASE, Renders.CHART, "--set", "coordinator.apiKeys.generate=true");
        assertTrue(!again.equals(yaml), "each render without a cluster draws a new key");
    }

    @Test
    void theServiceMonitorSendsTheMetricsKeyFromItsSecret() {
        Manifests full = Renders.helmFull();
        KubeModels.CustomObject sm = full.ofType(KubeModels.CustomObject.class).getFirst();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) sm.spec().get("endpoints");
        for (Map<String, Object> e : endpoints) {
            Map<String, Object> expected = Map.of("type", "Bearer", "credentials", Map.of("name", "ringmem-metrics-key", "key", "key"));
            assertEquals(expected, e.get("authorization"));
            assertTrue(full.isExternal("Secret", "ringmem-metrics-key"));
        }
    }
}
