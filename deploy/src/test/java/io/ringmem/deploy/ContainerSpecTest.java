package io.ringmem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;

/**
 * The containers of the worker StatefulSet and the coordinator Deployment against the CLI contract of
 * docs/cluster.md: subcommands and flags, the ports the flags open against the declared container ports and the
 * probes, env references, Prometheus annotations, images and resources.
 */
class ContainerSpecTest {
    private static final Set<String> SUBCOMMANDS = Set.of("worker", "coordinator");
    private static final List<String> PORT_FLAGS = List.of("--http-port", "--ring-port", "--hz-port");
    private static CliDoc doc;

    @BeforeAll
    static void load() {
        doc = CliDoc.load();
    }

    @Test
    void theDocsDocumentBothSubcommands() {
        for (String s : SUBCOMMANDS) {
            assertTrue(doc.commands().contains(s), CliDoc.FILE + " has no synopsis for " + s + ": " + doc.commands());
            assertTrue(doc.flags(s).containsKey("--http-port"), CliDoc.FILE + ": " + s + " documents no --http-port");
        }
    }

    @OnEveryRender
    void argsStartWithASubcommandAndUseOnlyDocumentedFlags(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            for (V1Container c : Pods.containers(w.template().getSpec())) {
                String where = w.name() + "/" + c.getName();
                List<String> args = Pods.args(c);
                assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), where + ": overrides the image's java entrypoint");
                assertFalse(args.isEmpty(), where + ": no args");
                String sub = args.getFirst();
                assertTrue(SUBCOMMANDS.contains(sub), where + ": first arg " + sub + " is not one of " + SUBCOMMANDS);
                Map<String, CliDoc.Flag> documented = doc.flags(sub);
                Set<String> seen = new HashSet<>();
                for (int i = 1; i < args.size(); i++) {
                    String a = args.get(i);
                    assertTrue(a.startsWith("--"), where + ": '" + a + "' is neither a flag nor a flag's value");
                    CliDoc.Flag flag = documented.get(a);
                    assertNotNull(flag, where + ": " + a + " is not documented for '" + sub + "' in " + CliDoc.FILE);
                    assertTrue(seen.add(a), where + ": " + a + " given twice");
                    if (flag.takesValue()) {
                        assertTrue(i + 1 < args.size() && !args.get(i + 1).startsWith("--"), where + ": " + a + " has no value");
                        i++;
                    }
                }
                documented.forEach((name, f) -> assertTrue(!f.required() || seen.contains(name),
                        where + ": the required flag " + name + " is missing"));
            }
        }
    }

    /**
     * Every Ringmem container binds its pod IP, serves HTTP on every interface, and passes as {@code --cluster-secret}
     * a file inside a read-only mount of a Secret volume (members beyond loopback refuse to start without one).
     */
    @OnEveryRender
    void everyMemberBindsItsPodIpAndReadsTheClusterSecretFromASecretVolume(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            for (V1Container c : Pods.containers(w.template().getSpec())) {
                String where = manifests + " " + w.name() + "/" + c.getName();
                assertEquals("$(POD_IP)", Pods.flagValue(c, "--bind"), where);
                assertEquals("status.podIP", Pods.env(c).get("POD_IP").getValueFrom().getFieldRef().getFieldPath(), where);
                assertEquals("0.0.0.0", Pods.flagValue(c, "--http-bind"), where);
                String secret = Pods.flagValue(c, "--cluster-secret");
                assertNotNull(secret, where + ": no --cluster-secret");
                var mount = c.getVolumeMounts().stream().filter(m -> secret.startsWith(m.getMountPath() + "/")).findFirst()
                        .orElseThrow(() -> new AssertionError(where + ": " + secret + " is not under a mount"));
                assertTrue(Boolean.TRUE.equals(mount.getReadOnly()), where + ": the secret mount is writable");
                var volume = w.template().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                        .findFirst().orElseThrow();
                assertNotNull(volume.getSecret(), where + ": " + mount.getName() + " is not a Secret volume");
                assertNotNull(Pods.flagValue(c, "--retention"), where);
                assertNotNull(Pods.flagValue(c, "--document-retention"), where);
            }
        }
    }

    @OnEveryRender
    void envReferencesInArgsAreDefinedByTheContainer(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            for (V1Container c : Pods.containers(w.template().getSpec())) {
                Map<String, V1EnvVar> env = Pods.env(c);
                for (String a : Pods.args(c)) {
                    for (String name : Pods.envReferences(a)) {
                        assertTrue(env.containsKey(name), w.name() + "/" + c.getName() + ": $(" + name + ") in '" + a
                                + "' is not an env var of the container, Kubernetes would pass it literally");
                    }
                }
            }
        }
    }

    @OnEveryRender
    void containerPortsCoverThePortFlagsAndTheProbes(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            for (V1Container c : w.template().getSpec().getContainers()) {
                String where = w.name() + "/" + c.getName();
                List<Integer> ports = Pods.portNumbers(c);
                for (String flag : PORT_FLAGS) {
                    String v = Pods.flagValue(c, flag);
                    if (v != null) {
                        assertTrue(ports.contains(Integer.parseInt(v)),
                                where + ": " + flag + " " + v + " is not a container port " + ports);
                    }
                }
                int http = Integer.parseInt(required(c, "--http-port", where));
                assertProbe(c, c.getReadinessProbe(), "/health/ready", http, where + " readiness");
                assertProbe(c, c.getLivenessProbe(), "/health/live", http, where + " liveness");
                if (c.getStartupProbe() != null) assertProbe(c, c.getStartupProbe(), "/health/live", http, where + " startup");
            }
        }
    }

    @OnEveryRender
    void workersAdvertiseThePodIpAndUseTheRingPort(Manifests manifests) {
        V1Container worker = manifests.workload("ringmem-worker").template().getSpec().getContainers().getFirst();
        assertEquals("worker", Pods.args(worker).getFirst());
        assertEquals("$(POD_IP)", Pods.flagValue(worker, "--advertise-host"), "the ring address other workers connect to");
        V1EnvVar podIp = Pods.env(worker).get("POD_IP");
        assertNotNull(podIp, "no env POD_IP");
        assertEquals("status.podIP", podIp.getValueFrom().getFieldRef().getFieldPath(), "POD_IP must come from the downward API");
        assertNotNull(Pods.flagValue(worker, "--ring-port"), "a fixed --ring-port, so that it can be declared as a container port");
    }

    @OnEveryRender
    void everyMemberDiscoversTheClusterThroughTheHeadlessService(Manifests manifests) {
        V1Service hz = manifests.named(V1Service.class, "ringmem-hz");
        int hzPort = hz.getSpec().getPorts().getFirst().getPort();
        for (Manifests.Workload w : manifests.workloads()) {
            V1Container c = w.template().getSpec().getContainers().getFirst();
            assertEquals(hz.getMetadata().getName(), Pods.flagValue(c, "--kubernetes-service"), w.name());
            assertEquals(String.valueOf(hzPort), Pods.flagValue(c, "--hz-port"), w.name() + ": --hz-port vs the ringmem-hz port");
            assertEquals(null, Pods.flagValue(c, "--members"), w.name() + ": a fixed member list next to Kubernetes discovery");
        }
    }

    @OnEveryRender
    void theRestServiceReachesTheCoordinatorsHttpPort(Manifests manifests) {
        V1Container c = manifests.workload("ringmem-coordinator").template().getSpec().getContainers().getFirst();
        assertEquals("coordinator", Pods.args(c).getFirst());
        V1ServicePort p = manifests.named(V1Service.class, "ringmem").getSpec().getPorts().getFirst();
        assertEquals(Integer.parseInt(required(c, "--http-port", "coordinator")), Pods.resolve(c, p.getTargetPort()).orElseThrow());
    }

    @OnEveryRender
    void modelsComeFromTheModelsMountOrTheHubIntoAWritableCache(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            V1Container c = w.template().getSpec().getContainers().getFirst();
            String model = required(c, "--model", w.name());
            String configured = configMapValue(manifests, c, "RINGMEM_MODEL");
            if (model.equals("$(RINGMEM_MODEL)") && configured != null && configured.startsWith("hf:")) {
                V1EnvVar cache = Pods.env(c).get("RINGMEM_CACHE");
                assertNotNull(cache, w.name() + ": an hf: model without RINGMEM_CACHE (the default lies on the read-only root)");
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(cache.getValue())
                        && !Boolean.TRUE.equals(m.getReadOnly())),
                        w.name() + ": RINGMEM_CACHE " + cache.getValue() + " is no writable mount");
            } else {
                assertTrue(model.startsWith("/models/"), w.name() + ": --model " + model + " is not under /models");
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/models")), w.name() + " mounts no /models");
            }
        }
    }

    @OnEveryRender
    void podsAreAnnotatedForPrometheusOnTheirHttpPort(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            Map<String, String> a = w.template().getMetadata().getAnnotations();
            assertNotNull(a, w.name() + ": no pod annotations");
            V1Container c = w.template().getSpec().getContainers().getFirst();
            assertEquals("true", a.get("prometheus.io/scrape"), w.name());
            assertEquals(required(c, "--http-port", w.name()), a.get("prometheus.io/port"), w.name() + ": scrape port vs --http-port");
            assertEquals("/metrics", a.get("prometheus.io/path"), w.name());
        }
    }

    @OnEveryRender
    void everyContainerRunsTheSameImageTaggedWithTheProjectVersion(Manifests manifests) {
        Set<String> images = new TreeSet<>();
        for (Manifests.Workload w : manifests.workloads()) {
            Pods.containers(w.template().getSpec()).forEach(c -> images.add(c.getImage()));
        }
        assertEquals(1, images.size(), "one image for both roles: " + images);
        assertTrue(images.iterator().next().matches("([^:/]+(:\\d+)?/)*ringmem:" + RepoFiles.releaseVersion().replace(".", "\\.")),
                "images " + images + " vs [REGISTRY/]ringmem:VERSION with the root pom's version " + RepoFiles.projectVersion());
    }

    @OnEveryRender
    void everyContainerRequestsNoMoreThanItsLimits(Manifests manifests) {
        for (Manifests.Workload w : manifests.workloads()) {
            for (V1Container c : Pods.containers(w.template().getSpec())) {
                String where = w.name() + "/" + c.getName();
                assertNotNull(c.getResources(), where + ": no resources");
                for (String r : List.of("cpu", "memory")) {
                    Quantity request = c.getResources().getRequests() == null ? null : c.getResources().getRequests().get(r);
                    Quantity limit = c.getResources().getLimits() == null ? null : c.getResources().getLimits().get(r);
                    assertNotNull(request, where + ": no " + r + " request");
                    assertNotNull(limit, where + ": no " + r + " limit");
                    BigDecimal req = request.getNumber();
                    BigDecimal lim = limit.getNumber();
                    assertTrue(req.signum() > 0 && req.compareTo(lim) <= 0,
                            where + ": " + r + " request " + request + " vs limit " + limit);
                }
            }
        }
    }

    private static void assertProbe(V1Container c, V1Probe probe, String path, int port, String what) {
        assertNotNull(probe, what + " probe missing");
        assertNotNull(probe.getHttpGet(), what + " probe is not an HTTP GET");
        assertEquals(path, probe.getHttpGet().getPath(), what + " probe path");
        assertEquals(port, Pods.resolve(c, probe.getHttpGet().getPort()).orElseThrow(
                () -> new AssertionError(what + " probe port " + Pods.describe(probe.getHttpGet().getPort())
                        + " is no container port")), what + " probe port");
    }

    private static String required(V1Container c, String flag, String where) {
        String v = Pods.flagValue(c, flag);
        assertNotNull(v, where + ": no " + flag);
        return v;
    }

    /** The value of the ConfigMap key an env var of the container reads, or null if it reads none. */
    private static String configMapValue(Manifests manifests, V1Container c, String env) {
        V1EnvVar e = Pods.env(c).get(env);
        if (e == null || e.getValueFrom() == null || e.getValueFrom().getConfigMapKeyRef() == null) return null;
        var ref = e.getValueFrom().getConfigMapKeyRef();
        return manifests.named(V1ConfigMap.class, ref.getName()).getData().get(ref.getKey());
    }
}
