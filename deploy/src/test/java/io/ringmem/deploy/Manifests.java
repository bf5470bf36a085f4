package io.ringmem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Kubernetes manifests of {@code deploy/k8s}, parsed offline with fabric8's model classes: the files that
 * {@code kustomization.yaml} lists, in that order, each one parsed into its typed resource (a kind fabric8 does not
 * know comes back as {@link GenericKubernetesResource}, which the tests reject).
 */
final class Manifests {
    static final String DIR = "deploy/k8s";
    static final String KUSTOMIZATION = "kustomization.yaml";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** One parsed resource and the file it came from. */
    record Manifest(String file, HasMetadata resource) {
    }

    /** A pod template with the selector of the workload that owns it (StatefulSet or Deployment). */
    record Workload(String kind, String name, LabelSelector selector, PodTemplateSpec template) {
    }

    private final List<String> resourceFiles;
    private final List<Manifest> manifests;

    private Manifests(List<String> resourceFiles, List<Manifest> manifests) {
        this.resourceFiles = List.copyOf(resourceFiles);
        this.manifests = List.copyOf(manifests);
    }

    /** Loads the kustomization of {@code deploy/k8s} and every resource file it lists. */
    static Manifests load() {
        Map<String, Object> kustomization = parseMap(RepoFiles.read(DIR + "/" + KUSTOMIZATION));
        if (!(kustomization.get("resources") instanceof List<?> resources)) {
            throw new IllegalStateException(KUSTOMIZATION + " has no resources list");
        }
        List<String> files = new ArrayList<>();
        List<Manifest> parsed = new ArrayList<>();
        for (Object r : resources) {
            String file = String.valueOf(r);
            files.add(file);
            for (HasMetadata h : parse(RepoFiles.read(DIR + "/" + file))) parsed.add(new Manifest(file, h));
        }
        return new Manifests(files, parsed);
    }

    /** Parses YAML text holding one or more Kubernetes resources. */
    static List<HasMetadata> parse(String yaml) {
        Object o = SERIALIZATION.unmarshal(yaml);
        List<HasMetadata> out = new ArrayList<>();
        switch (o) {
            case KubernetesList list -> out.addAll(list.getItems());
            case List<?> list -> list.forEach(x -> out.add((HasMetadata) x));
            case HasMetadata h -> out.add(h);
            case null -> throw new IllegalStateException("empty manifest");
            default -> throw new IllegalStateException("not a Kubernetes resource: " + o.getClass().getName());
        }
        return out;
    }

    /** Parses YAML text into plain maps and lists (for kustomization.yaml, which is no API resource). */
    static Map<String, Object> parseMap(String yaml) {
        return SERIALIZATION.unmarshal(yaml, new TypeReference<Map<String, Object>>() {
        });
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

    /** The resource file names, as kustomization.yaml lists them. */
    List<String> resourceFiles() {
        return resourceFiles;
    }

    /** Every parsed resource with its file. */
    List<Manifest> all() {
        return manifests;
    }

    /** The resources of one type. */
    <T extends HasMetadata> List<T> ofType(Class<T> type) {
        return manifests.stream().map(Manifest::resource).filter(type::isInstance).map(type::cast).toList();
    }

    /** The one resource of the given type and name; fails if there is none. */
    <T extends HasMetadata> T named(Class<T> type, String name) {
        return ofType(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " in " + DIR));
    }

    /** The pod templates of all StatefulSets and Deployments. */
    List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        for (StatefulSet s : ofType(StatefulSet.class)) {
            out.add(new Workload("StatefulSet", s.getMetadata().getName(), s.getSpec().getSelector(), s.getSpec().getTemplate()));
        }
        for (Deployment d : ofType(Deployment.class)) {
            out.add(new Workload("Deployment", d.getMetadata().getName(), d.getSpec().getSelector(), d.getSpec().getTemplate()));
        }
        return out;
    }

    /** The workload with the given name. */
    Workload workload(String name) {
        return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no StatefulSet or Deployment named " + name));
    }
}
