package io.ringmem.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodSpec;

/**
 * Lookups inside pod specs: all containers (init containers too), port resolution by number or name, the value
 * that follows a flag in a container's args, the environment variables a container defines and the
 * {@code $(NAME)} references in its args.
 */
final class Pods {
    private static final Pattern ENV_REF = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private Pods() {
    }

    /** The init containers and containers of a pod. */
    static List<V1Container> containers(V1PodSpec spec) {
        List<V1Container> all = new ArrayList<>();
        if (spec.getInitContainers() != null) all.addAll(spec.getInitContainers());
        if (spec.getContainers() != null) all.addAll(spec.getContainers());
        return all;
    }

    /** The container port numbers of a container. */
    static List<Integer> portNumbers(V1Container c) {
        return c.getPorts() == null ? List.of() : c.getPorts().stream().map(V1ContainerPort::getContainerPort).toList();
    }

    /**
     * The container port a probe or service target port refers to: a number must be one of the container's ports;
     * a name must be the name of one. Empty when it resolves to none.
     */
    static OptionalInt resolve(V1Container c, IntOrString port) {
        if (port == null || c.getPorts() == null) return OptionalInt.empty();
        for (V1ContainerPort p : c.getPorts()) {
            if (port.isInteger() && port.getIntValue().equals(p.getContainerPort())) return OptionalInt.of(p.getContainerPort());
            if (!port.isInteger() && port.getStrValue().equals(p.getName())) return OptionalInt.of(p.getContainerPort());
        }
        return OptionalInt.empty();
    }

    /** A port as written in the manifest: its number or its name. */
    static String describe(IntOrString port) {
        if (port == null) return "(none)";
        return port.isInteger() ? String.valueOf(port.getIntValue()) : port.getStrValue();
    }

    /** The container's args (never null). */
    static List<String> args(V1Container c) {
        return c.getArgs() == null ? List.of() : c.getArgs();
    }

    /** The word after {@code flag} in the container's args, or null when the flag is absent. */
    static String flagValue(V1Container c, String flag) {
        List<String> args = args(c);
        int i = args.indexOf(flag);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    /** The environment variables the container defines, by name. */
    static Map<String, V1EnvVar> env(V1Container c) {
        Map<String, V1EnvVar> out = new LinkedHashMap<>();
        if (c.getEnv() != null) c.getEnv().forEach(e -> out.put(e.getName(), e));
        return out;
    }

    /** The names in {@code $(NAME)} references of a string (Kubernetes expands them from the container's env). */
    static List<String> envReferences(String s) {
        List<String> names = new ArrayList<>();
        Matcher m = ENV_REF.matcher(s);
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
