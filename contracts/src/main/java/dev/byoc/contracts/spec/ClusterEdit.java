package dev.byoc.contracts.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.event.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The editable part of a cluster (instance types, performance profile, and the role) as a JSON
 * merge patch on the Grid-shaped spec: {@code {"spec": {"performance_profile": …, "driver":
 * {"kubernetes": {"aws": {"instance_types": […], "role_arn": …}}}}}}. Anything else is refused with
 * its path.
 *
 * <p>A new {@code role_arn} is not an edit but a rotation request ({@link Result#candidateRoleArn}):
 * it only applies once the platform proved it can use the new role, so it comes alone — mixed with
 * other fields, half the patch would apply now and half maybe never.
 */
public final class ClusterEdit {
    private static final Map<String, Object> EDITABLE = Map.of("spec", Map.of(
            "performance_profile", "leaf",
            "driver", Map.of("kubernetes", Map.of("aws", Map.of("instance_types", "leaf", "role_arn", "leaf")))));

    /** Where a rotation's role goes in the patch. */
    public static final String ROLE_ARN = GridClusterRequest.AWS + ".role_arn";

    /**
     * The spec after the patch, the names of the fields that changed, or the violations.
     *
     * @param candidateRoleArn a role other than the current one the patch asks to rotate to (then
     *     nothing else changed), or null
     */
    public record Result(ClusterSpec spec, List<String> changed, List<Violation> violations, String candidateRoleArn) {
        public Result(ClusterSpec spec, List<String> changed, List<Violation> violations) {
            this(spec, changed, violations, null);
        }

        public boolean valid() {
            return violations.isEmpty();
        }

        public boolean rotation() {
            return candidateRoleArn != null;
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
        String candidate = null;
        JsonNode roleNode = spec.path("driver").path("kubernetes").path("aws").get("role_arn");
        if (roleNode != null) {
            if (!roleNode.isTextual()) {
                violations.add(new Violation(ROLE_ARN, "must be a string: the IAM role ARN to rotate to"));
            } else {
                SpecRules.roleArn(roleNode.textValue()).ifPresent(m -> violations.add(new Violation(ROLE_ARN, m)));
                candidate = roleNode.textValue().equals(current.roleArn()) ? null : roleNode.textValue();
            }
        }
        if (candidate != null && (profileNode != null || typesNode != null)) {
            violations.add(new Violation(ROLE_ARN, "change the role on its own: a new role applies only once the platform "
                    + "has validated it, other edits apply at once; send them in a separate edit"));
        }
        if (!violations.isEmpty()) {
            return new Result(null, List.of(), violations);
        }
        if (candidate != null) {
            return new Result(current, List.of(), List.of(), candidate);
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
                        + "spec.performance_profile, spec.driver.kubernetes.aws.instance_types and "
                        + "spec.driver.kubernetes.aws.role_arn (a validated rotation) can change after creation"));
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
