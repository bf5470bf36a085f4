package io.ringmem.deploy;

import java.util.List;
import java.util.Map;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;

/**
 * Kubernetes label selector semantics, as the API server applies them: a Service's equality selector, and a
 * workload's {@link V1LabelSelector} with {@code matchLabels} and {@code matchExpressions} (In, NotIn, Exists,
 * DoesNotExist). An empty selector is reported as matching nothing, since none of our objects should have one.
 */
final class Selectors {
    private Selectors() {
    }

    /** Whether an equality selector (Service {@code spec.selector}) selects a pod with these labels. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty()) return false;
        Map<String, String> l = labels == null ? Map.of() : labels;
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(l.get(e.getKey())));
    }

    /** Whether a {@link V1LabelSelector} selects a pod with these labels. */
    static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
        if (selector == null) return false;
        Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        List<V1LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        if (matchLabels.isEmpty() && expressions.isEmpty()) return false;
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (!matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(l.get(e.getKey())))) return false;
        return expressions.stream().allMatch(r -> matches(r, l));
    }

    private static boolean matches(V1LabelSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown selector operator " + r.getOperator());
        };
    }
}
