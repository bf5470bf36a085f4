package io.ringmem.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The renders every wiring and container check runs on, each made once per test JVM with the real binaries
 * ({@link K8sTools}) and parsed strictly ({@link KubeModels}): {@code kubectl kustomize deploy/k8s}, {@code helm
 * template ringmem deploy/helm/ringmem} with the chart's default values, and the same with
 * {@code ci/full-values.yaml} (GPU workers, hf: model with token and cache claim, auth secret, Ingress,
 * ServiceMonitor), and each helm command of docs/deploy.md. The release is named {@code ringmem}, so that the
 * chart's object names equal the kustomize base's.
 */
final class Renders {
    static final String CHART = "deploy/helm/ringmem";
    static final String FULL_VALUES = CHART + "/ci/full-values.yaml";
    static final String RELEASE = "ringmem";
    /** What ci/full-values.yaml names but leaves to the operator to create. */
    static final Set<String> FULL_EXTERNAL = Set.of("PersistentVolumeClaim/ringmem-hf-cache", "Secret/hf-token", "Secret/ringmem-auth",
            "Secret/registry-credentials", "Secret/ringmem-tls", "Secret/ringmem-keys", "Secret/ringmem-rest-tls",
            "Secret/ringmem-metrics-key", Renders.CLUSTER_SECRET);

    /** The cluster secret every render names and the operator creates once (docs/deploy.md). */
    static final String CLUSTER_SECRET = "Secret/ringmem-cluster-secret";

    /**
     * The API keys Secret and the cluster secret: the operator creates them (docs/deploy.md), as no key may be committed
     * or rendered.
     */
    static final Set<String> DEFAULT_EXTERNAL = Set.of("Secret/ringmem-api-keys", CLUSTER_SECRET);

    /** What the docs' commands name but leave to the operator to create. */
    static final Set<String> DOCS_EXTERNAL = Set.of("Secret/hf-token", "Secret/ringmem-api-keys", CLUSTER_SECRET);

    private static final Map<String, Manifests> CACHE = new LinkedHashMap<>();

    private Renders() {
    }

    /** {@code kubectl kustomize deploy/k8s}. */
    static Manifests kustomize() {
        return cached("kustomize deploy/k8s", () -> K8sTools.kubectl("kustomize", Manifests.DIR), DEFAULT_EXTERNAL);
    }

    /** {@code helm template} with the chart's default values. */
    static Manifests helmDefault() {
        return cached("helm default values", () -> K8sTools.helm("template", RELEASE, CHART), DEFAULT_EXTERNAL);
    }

    /** {@code helm template} with ci/full-values.yaml. */
    static Manifests helmFull() {
        return cached("helm full values", () -> K8sTools.helm("template", RELEASE, CHART, "-f", FULL_VALUES), FULL_EXTERNAL);
    }

    /** The helm install/upgrade commands of docs/deploy.md, each rendered with {@code helm template} ({@link DocsHelm}). */
    static synchronized List<Manifests> docs() {
        List<Manifests> out = new ArrayList<>();
        List<DocsHelm.Command> commands = DocsHelm.commands(RepoFiles.root().resolve("deploy/target/docs-values"));
        for (int i = 0; i < commands.size(); i++) {
            DocsHelm.Command c = commands.get(i);
            out.add(cached("docs command " + (i + 1) + ": " + c.text(), () -> K8sTools.helm(c.templateArgs().toArray(String[]::new)),
                    DOCS_EXTERNAL));
        }
        return out;
    }

    /** All renders: kustomize, Helm default and full values, the docs' commands (the source of the parameterized checks). */
    static Stream<Manifests> all() {
        return Stream.concat(Stream.of(kustomize(), helmDefault(), helmFull()), docs().stream());
    }

    /** The renders with the default settings, where the base's parts (models claim and all) must be present. */
    static List<Manifests> defaults() {
        return List.of(kustomize(), helmDefault());
    }

    private static synchronized Manifests cached(String name, Supplier<String> render, Set<String> external) {
        return CACHE.computeIfAbsent(name, n -> Manifests.parse(n, render.get(), external));
    }
}
