package io.ringmem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;

/**
 * One set of Kubernetes objects, strictly parsed into the official client's models by {@link KubeModels}: the
 * output of {@code kubectl kustomize deploy/k8s} or of {@code helm template} (see {@link Renders}), with the names
 * of objects the set refers to but leaves to the cluster operator (an existing claim or secret named in values).
 * The wiring and container checks take a {@code Manifests} and run the same on every render.
 */
final class Manifests {
    static final String DIR = "deploy/k8s";
    static final String KUSTOMIZATION = "kustomization.yaml";

    /** A pod template with the selector of the workload that owns it (StatefulSet or Deployment). */
    record Workload(String kind, String name, V1LabelSelector selector, V1PodTemplateSpec template) {
    }

    private final String name;
    private final List<KubernetesObject> objects;
    private final Set<String> external;

    /**
     * @param name     what was rendered, for messages and test names
     * @param objects  the objects
     * @param external objects referred to but expected to exist already, as {@code Kind/name}
     */
    Manifests(String name, List<KubernetesObject> objects, Set<String> external) {
        this.name = name;
        this.objects = List.copyOf(objects);
        this.external = Set.copyOf(external);
    }

    /** Parses rendered YAML (any number of documents). */
    static Manifests parse(String name, String yaml, Set<String> external) {
        return new Manifests(name, KubeModels.parse(yaml), external);
    }

    /** Parses YAML text into plain maps and lists (for kustomization.yaml and values files, which are no API objects). */
    static Map<String, Object> parseMap(String yaml) {
        List<Map<String, Object>> docs = KubeModels.documents(yaml);
        if (docs.size() != 1) throw new IllegalArgumentException("expected one YAML document, got " + docs.size());
        return docs.getFirst();
    }

    /** The resource files kustomization.yaml lists, in order. */
    static List<String> kustomizationResources() {
        Map<String, Object> kustomization = parseMap(RepoFiles.read(DIR + "/" + KUSTOMIZATION));
        if (!(kustomization.get("resources") instanceof List<?> resources)) {
            throw new IllegalStateException(KUSTOMIZATION + " has no resources list");
        }
        return resources.stream().map(String::valueOf).toList();
    }

    /** The *.yaml files in deploy/k8s other than kustomization.yaml, by file name. */
    static List<String> yamlFilesOnDisk() {
        try (Stream<Path> s = Files.list(RepoFiles.path(DIR))) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.equals(KUSTOMIZATION))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object. */
    List<KubernetesObject> all() {
        return objects;
    }

    /** Whether {@code kind/name} is expected to exist outside this set (created by the operator). */
    boolean isExternal(String kind, String objectName) {
        return external.contains(kind + "/" + objectName);
    }

    /** Whether the set holds an object of this type and name, or names it as external. */
    boolean resolves(Class<? extends KubernetesObject> type, String kind, String objectName) {
        return isExternal(kind, objectName) || ofType(type).stream().anyMatch(r -> objectName.equals(r.getMetadata().getName()));
    }

    /** The objects of one type. */
    <T extends KubernetesObject> List<T> ofType(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The one object of the given type and name; fails if there is none. */
    <T extends KubernetesObject> T named(Class<T> type, String objectName) {
        return ofType(type).stream().filter(r -> objectName.equals(r.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no " + type.getSimpleName() + " named " + objectName));
    }

    /** The pod templates of all StatefulSets and Deployments. */
    List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        for (V1StatefulSet s : ofType(V1StatefulSet.class)) {
            out.add(new Workload("StatefulSet", s.getMetadata().getName(), s.getSpec().getSelector(), s.getSpec().getTemplate()));
        }
        for (V1Deployment d : ofType(V1Deployment.class)) {
            out.add(new Workload("Deployment", d.getMetadata().getName(), d.getSpec().getSelector(), d.getSpec().getTemplate()));
        }
        return out;
    }

    /** The workload with the given name. */
    Workload workload(String workloadName) {
        return workloads().stream().filter(w -> w.name().equals(workloadName)).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no StatefulSet or Deployment named " + workloadName));
    }

    @Override
    public String toString() {
        return name;
    }
}
