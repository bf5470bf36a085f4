package io.ringmem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;

/**
 * Strict parsing of Kubernetes YAML into the official Kubernetes Java client's models (client-java-api). Each YAML
 * document is read with Jackson's YAML module, written back as JSON and deserialized with the client's Gson-based
 * {@link JSON}, whose generated model adapters reject a field the API does not define ({@code replica:},
 * {@code readinesProbe:}), a missing required field and a value of the wrong JSON type (a string where a list
 * belongs). The class is picked from {@code apiVersion} and {@code kind}; a kind not in {@link #TYPES} is an
 * error, except the custom resources of {@link #CUSTOM}, kept as {@link CustomObject} (metadata strictly parsed,
 * nothing but apiVersion, kind, metadata and spec at the top).
 */
final class KubeModels {
    /** The built-in kinds Ringmem's manifests may contain, by {@code apiVersion/kind}. */
    static final Map<String, Class<? extends KubernetesObject>> TYPES = Map.ofEntries(
            Map.entry("v1/ServiceAccount", V1ServiceAccount.class),
            Map.entry("v1/ConfigMap", V1ConfigMap.class),
            Map.entry("v1/Secret", V1Secret.class),
            Map.entry("v1/Service", V1Service.class),
            Map.entry("v1/PersistentVolumeClaim", V1PersistentVolumeClaim.class),
            Map.entry("apps/v1/StatefulSet", V1StatefulSet.class),
            Map.entry("apps/v1/Deployment", V1Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", V1Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding.class),
            Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class));

    /** Custom resources the chart may render (their CRDs are not part of the client's models). */
    static final Set<String> CUSTOM = Set.of("monitoring.coreos.com/v1/ServiceMonitor");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    private KubeModels() {
    }

    /** A custom resource: typed metadata, the spec as plain maps and lists. */
    static final class CustomObject implements KubernetesObject {
        private final String apiVersion;
        private final String kind;
        private final V1ObjectMeta metadata;
        private final Map<String, Object> spec;

        CustomObject(String apiVersion, String kind, V1ObjectMeta metadata, Map<String, Object> spec) {
            this.apiVersion = apiVersion;
            this.kind = kind;
            this.metadata = metadata;
            this.spec = spec;
        }

        @Override
        public String getApiVersion() {
            return apiVersion;
        }

        @Override
        public String getKind() {
            return kind;
        }

        @Override
        public V1ObjectMeta getMetadata() {
            return metadata;
        }

        /** The spec, as parsed YAML. */
        Map<String, Object> spec() {
            return spec;
        }
    }

    /** Parses YAML text holding one or more documents (empty documents are skipped) into typed objects. */
    static List<KubernetesObject> parse(String yaml) {
        List<KubernetesObject> out = new ArrayList<>();
        for (Map<String, Object> doc : documents(yaml)) out.add(parseObject(doc));
        return out;
    }

    /** The YAML documents of a text as plain maps and lists; empty documents are left out. */
    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (MappingIterator<Object> it = YAML.readerFor(Object.class).readValues(yaml)) {
            while (it.hasNext()) {
                Object doc = it.next();
                if (doc == null) continue;
                if (!(doc instanceof Map<?, ?> m)) throw new IllegalArgumentException("a YAML document is not a mapping: " + doc);
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) m;
                out.add(map);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** One object, given as parsed YAML: deserialized strictly into the model class of its apiVersion and kind. */
    static KubernetesObject parseObject(Map<String, Object> doc) {
        String type = doc.get("apiVersion") + "/" + doc.get("kind");
        Class<? extends KubernetesObject> cls = TYPES.get(type);
        try {
            if (cls != null) return JSON.deserialize(JSON_MAPPER.writeValueAsString(doc), cls);
            if (!CUSTOM.contains(type)) {
                throw new IllegalArgumentException("unexpected kind " + type + " (not one of " + TYPES.keySet() + ")");
            }
            Set<String> extra = new TreeSet<>(doc.keySet());
            extra.removeAll(Set.of("apiVersion", "kind", "metadata", "spec"));
            if (!extra.isEmpty()) throw new IllegalArgumentException(type + ": unknown top-level fields " + extra);
            V1ObjectMeta meta = JSON.deserialize(JSON_MAPPER.writeValueAsString(doc.get("metadata")), V1ObjectMeta.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = doc.get("spec") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
            return new CustomObject(String.valueOf(doc.get("apiVersion")), String.valueOf(doc.get("kind")), meta, spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            Object name = doc.get("metadata") instanceof Map<?, ?> m ? m.get("name") : null;
            throw new IllegalArgumentException(type + " " + name + ": " + e.getMessage(), e);
        }
    }
}
