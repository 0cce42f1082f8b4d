package dev.byoc.contracts.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.event.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The editable part of a cluster (instance types and performance profile) as a JSON merge patch
 * on the Grid-shaped spec: {@code {"spec": {"performance_profile": …, "driver": {"kubernetes":
 * {"aws": {"instance_types": […]}}}}}}. Anything else is refused with its path.
 */
public final class ClusterEdit {
    private static final Map<String, Object> EDITABLE = Map.of("spec", Map.of(
            "performance_profile", "leaf",
            "driver", Map.of("kubernetes", Map.of("aws", Map.of("instance_types", "leaf")))));

    /** The spec after the patch, the names of the fields that changed, or the violations. */
    public record Result(ClusterSpec spec, List<String> changed, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private ClusterEdit() {
    }

    public static Result apply(ClusterSpec current, JsonNode patch) {
        List<Violation> violations = new ArrayList<>();
        if (patch == null || !patch.isObject()) {
            return new Result(null, List.of(), List.of(new Violation("$", "send a JSON merge patch object")));
        }
        checkEditable(patch, EDITABLE, "", violations);
        JsonNode spec = patch.path("spec");
        String profile = current.performanceProfile();
        JsonNode profileNode = spec.get("performance_profile");
        if (profileNode != null && !profileNode.isNull()) {
            if (!profileNode.isTextual()) {
                violations.add(new Violation("spec.performance_profile", "must be a string"));
            } else {
                profile = GridClusterRequest.performanceProfile(profileNode.textValue(), "spec.performance_profile", violations);
            }
        }
        List<ClusterSpec.InstanceType> types = current.instanceTypes();
        JsonNode typesNode = spec.path("driver").path("kubernetes").path("aws").get("instance_types");
        if (typesNode != null) {
            List<ClusterSpec.InstanceType> patched = GridClusterRequest.instanceTypes(typesNode,
                    GridClusterRequest.AWS + ".instance_types", violations);
            if (typesNode.isNull()) {
                violations.add(new Violation(GridClusterRequest.AWS + ".instance_types", "a cluster needs at least one instance type"));
            } else if (patched != null) {
                types = patched;
            }
        }
        if (!violations.isEmpty()) {
            return new Result(null, List.of(), violations);
        }
        List<String> changed = new ArrayList<>();
        if (!profile.equals(current.performanceProfile())) {
            changed.add("performanceProfile");
        }
        if (!types.equals(current.instanceTypes())) {
            changed.add("instanceTypes");
        }
        return new Result(current.withEdits(types, profile), changed, List.of());
    }

    @SuppressWarnings("unchecked")
    private static void checkEditable(JsonNode node, Map<String, Object> allowed, String path, List<Violation> violations) {
        node.fields().forEachRemaining(field -> {
            String fieldPath = GridClusterRequest.join(path, field.getKey());
            Object shape = allowed.get(field.getKey());
            if (shape == null) {
                violations.add(new Violation(fieldPath, "'" + field.getKey() + "' cannot be edited; only "
                        + "spec.performance_profile and spec.driver.kubernetes.aws.instance_types can change after creation"));
            } else if (shape instanceof Map<?, ?> nested) {
                if (field.getValue().isObject()) {
                    checkEditable(field.getValue(), (Map<String, Object>) nested, fieldPath, violations);
                } else {
                    violations.add(new Violation(fieldPath, "must be an object"));
                }
            }
        });
    }
}
