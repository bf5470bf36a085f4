package io.ringmem.it.containers;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ringmem.it.ItPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one container of a pod template of deploy/k8s (the kustomize base), parsed with fabric8's model classes as
 * the deploy module's tests parse it, and turned into what a kubelet would run: the environment resolved (field
 * references from the pod's name, IP and namespace, config map keys from deploy/k8s/configmap.yaml), {@code $(VAR)}
 * references in the arguments expanded, named ports resolved to numbers.
 */
record PodSpec(PodTemplateSpec template, Container container, ConfigMap config) {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** The worker StatefulSet's container. */
    static PodSpec worker() {
        return of(read("worker-statefulset.yaml", StatefulSet.class).getSpec().getTemplate());
    }

    /** The coordinator Deployment's container. */
    static PodSpec coordinator() {
        return of(read("coordinator-deployment.yaml", Deployment.class).getSpec().getTemplate());
    }

    private static PodSpec of(PodTemplateSpec template) {
        List<Container> containers = template.getSpec().getContainers();
        if (containers.size() != 1) throw new AssertionError("expected one container, got " + containers.size());
        return new PodSpec(template, containers.getFirst(), read("configmap.yaml", ConfigMap.class));
    }

    private static <T> T read(String file, Class<T> type) {
        try {
            return YAML.unmarshal(Files.readString(ItPaths.root().resolve("deploy/k8s").resolve(file)), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment, in order, as the kubelet resolves it for a pod with this name, IP (or DNS name) and namespace. */
    Map<String, String> env(String podName, String podIp, String namespace) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : container.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), expand(e.getValue(), env));
            } else if (e.getValueFrom().getFieldRef() != null) {
                String path = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(e.getName(), switch (path) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> namespace;
                    case "status.podIP" -> podIp;
                    default -> throw new AssertionError("field reference not emulated: " + path);
                });
            } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = e.getValueFrom().getConfigMapKeyRef();
                if (!ref.getName().equals(config.getMetadata().getName())) throw new AssertionError("unknown config map " + ref.getName());
                String v = config.getData().get(ref.getKey());
                if (v == null) throw new AssertionError("config map " + ref.getName() + " has no key " + ref.getKey());
                env.put(e.getName(), v);
            } else {
                throw new AssertionError("env source not emulated: " + e);
            }
        }
        return env;
    }

    /** The container's command (null: the image's ENTRYPOINT) with {@code $(VAR)} expanded. */
    List<String> command(Map<String, String> env) {
        return container.getCommand() == null || container.getCommand().isEmpty() ? null : expandAll(container.getCommand(), env);
    }

    /** The container's args with {@code $(VAR)} expanded, as the kubelet does. */
    List<String> args(Map<String, String> env) {
        return expandAll(container.getArgs(), env);
    }

    private static List<String> expandAll(List<String> words, Map<String, String> env) {
        return words.stream().map(w -> expand(w, env)).toList();
    }

    /** Kubernetes' expansion: {@code $(NAME)} of a defined variable is replaced, anything else stays. */
    static String expand(String s, Map<String, String> env) {
        Matcher m = VAR.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        return m.appendTail(out).toString();
    }

    /** The container ports by number. */
    List<Integer> ports() {
        return container.getPorts().stream().map(ContainerPort::getContainerPort).toList();
    }

    /** A probe's HTTP path. */
    static String path(Probe p) {
        return httpGet(p).getPath();
    }

    /** A probe's port, a named port resolved through the container's ports. */
    int port(Probe p) {
        var port = httpGet(p).getPort();
        if (port.getIntVal() != null) return port.getIntVal();
        return container.getPorts().stream().filter(c -> port.getStrVal().equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal())).getContainerPort();
    }

    private static HTTPGetAction httpGet(Probe p) {
        if (p == null || p.getHttpGet() == null) throw new AssertionError("not an httpGet probe: " + p);
        return p.getHttpGet();
    }

    /** The memory limit in bytes. */
    long memoryLimitBytes() {
        return Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValueExact();
    }

    /** The CPU limit in cores. */
    double cpuLimit() {
        return Quantity.getAmountInBytes(container.getResources().getLimits().get("cpu")).doubleValue();
    }

    /** The volume mounted at each mount path, with the mount. */
    Map<VolumeMount, Volume> mounts() {
        Map<VolumeMount, Volume> out = new LinkedHashMap<>();
        for (VolumeMount m : container.getVolumeMounts()) {
            out.put(m, template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(m.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + m.getName())));
        }
        return out;
    }
}
