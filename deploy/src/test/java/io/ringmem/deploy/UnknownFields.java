package io.ringmem.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds fields that fabric8 did not recognise while parsing a manifest. fabric8 accepts unknown fields and keeps
 * them in each model object's {@code additionalProperties} map, so a misspelt field ({@code replica:}, {@code
 * readinesProbe:}) parses without error and is silently ignored; this walks the parsed object tree and reports the
 * path of every such field.
 */
final class UnknownFields {
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private UnknownFields() {
    }

    /** The paths of all unknown fields under {@code root}, for example {@code spec.replica}; empty when none. */
    static List<String> find(Object root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(Object o, String path, List<String> out) {
        switch (o) {
            case null -> {
            }
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) walk(list.get(i), path + "[" + i + "]", out);
            }
            case Map<?, ?> map -> map.forEach((k, v) -> walk(v, path + "[" + k + "]", out));
            default -> {
                if (!o.getClass().getName().startsWith(MODEL_PACKAGE)) return;
                Object extra = invoke(o, "getAdditionalProperties");
                if (extra instanceof Map<?, ?> m) {
                    for (Object k : m.keySet()) out.add(join(path, String.valueOf(k)));
                }
                List<Method> getters = new ArrayList<>();
                for (Method m : o.getClass().getMethods()) {
                    if (isModelGetter(m)) getters.add(m);
                }
                getters.sort(Comparator.comparing(Method::getName));
                for (Method m : getters) walk(invoke(o, m), join(path, property(m)), out);
            }
        }
    }

    private static boolean isModelGetter(Method m) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) return false;
        if (!m.getName().startsWith("get") || m.getName().equals("getAdditionalProperties")) return false;
        Class<?> t = m.getReturnType();
        return List.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t) || t.getName().startsWith(MODEL_PACKAGE);
    }

    private static String property(Method m) {
        String n = m.getName().substring(3);
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Object invoke(Object o, String method) {
        try {
            return invoke(o, o.getClass().getMethod(method));
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object invoke(Object o, Method m) {
        try {
            return m.invoke(o);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + m + ": " + e.getMessage(), e);
        }
    }
}
