package io.ringmem.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The three renders every wiring and container check runs on, each made once per test JVM with the real binaries
 * ({@link K8sTools}) and parsed strictly ({@link KubeModels}): {@code kubectl kustomize deploy/k8s}, {@code helm
 * template ringmem deploy/helm/ringmem} with the chart's default values, and the same with
 * {@code ci/full-values.yaml} (GPU workers, hf: model with token and cache claim, auth secret, Ingress,
 * ServiceMonitor). The release is named {@code ringmem}, so that the chart's object names equal the kustomize base's.
 */
final class Renders {
    static final String CHART = "deploy/helm/ringmem";
    static final String FULL_VALUES = CHART + "/ci/full-values.yaml";
    static final String RELEASE = "ringmem";
    /** What ci/full-values.yaml names but leaves to the operator to create. */
    static final Set<String> FULL_EXTERNAL = Set.of("PersistentVolumeClaim/ringmem-hf-cache", "Secret/hf-token", "Secret/ringmem-auth",
            "Secret/registry-credentials", "Secret/ringmem-tls");

    private static final Map<String, Manifests> CACHE = new LinkedHashMap<>();

    private Renders() {
    }

    /** {@code kubectl kustomize deploy/k8s}. */
    static Manifests kustomize() {
        return cached("kustomize deploy/k8s", () -> K8sTools.kubectl("kustomize", Manifests.DIR), Set.of());
    }

    /** {@code helm template} with the chart's default values. */
    static Manifests helmDefault() {
        return cached("helm default values", () -> K8sTools.helm("template", RELEASE, CHART), Set.of());
    }

    /** {@code helm template} with ci/full-values.yaml. */
    static Manifests helmFull() {
        return cached("helm full values", () -> K8sTools.helm("template", RELEASE, CHART, "-f", FULL_VALUES), FULL_EXTERNAL);
    }

    /** All three renders (the argument source of the parameterized checks). */
    static Stream<Manifests> all() {
        return Stream.of(kustomize(), helmDefault(), helmFull());
    }

    /** The renders with the default settings, where the base's parts (models claim and all) must be present. */
    static List<Manifests> defaults() {
        return List.of(kustomize(), helmDefault());
    }

    private static synchronized Manifests cached(String name, Supplier<String> render, Set<String> external) {
        return CACHE.computeIfAbsent(name, n -> Manifests.parse(n, render.get(), external));
    }
}
