package dev.byoc.contracts.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Grid V1 create-request shape of DESIGN §5 — what the Terraform module prints — into a
 * name and a {@link ClusterSpec}, or into the list of every broken rule with its JSON path.
 * Unknown and duplicate keys are errors; Grid's other known keys are accepted and ignored.
 */
public final class GridClusterRequest {
    public static final String AWS = "spec.driver.kubernetes.aws";
    public static final String CLUSTER_TYPE_BYOC = "CLUSTER_TYPE_BYOC";
    public static final String PROFILE_DEFAULT = "CLUSTER_PERFORMANCE_PROFILE_DEFAULT";
    public static final String PROFILE_COST_SAVING = "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING";
    /** Used when the request names no instance types. */
    public static final List<ClusterSpec.InstanceType> DEFAULT_INSTANCE_TYPES =
            List.of(new ClusterSpec.InstanceType("m5.xlarge", 0));

    /** Known keys: a nested map is an object, a one-element list an array of such objects, null a leaf, IGNORED anything. */
    private static final Object IGNORED = new Object();
    private static final Map<String, Object> INSTANCE_TYPE_KEYS = keys("name", null, "overprovisioned_ondemand_count", null);
    private static final Map<String, Object> KNOWN = keys(
            "name", null,
            "spec", keys(
                    "cluster_type", null,
                    "performance_profile", null,
                    "strict_validation", null,
                    "desired_state", IGNORED,
                    "cost_factor", IGNORED,
                    "driver", keys(
                            "external", IGNORED,
                            "kubernetes", keys(
                                    "aws", keys(
                                            "region", null,
                                            "role_arn", null,
                                            "external_id", null,
                                            "bucket_name", null,
                                            "eks_cluster_name", null,
                                            "instance_types", List.of(INSTANCE_TYPE_KEYS),
                                            "cpu_ami_override", null,
                                            "gpu_ami_override", null,
                                            "builder_ami_override", null)))));

    /**
     * A valid request. {@code externalId} is what the request named (null when it left it out): the
     * caller checks it against the owner's issued ID ({@link dev.byoc.contracts.tenant.TenantRules});
     * it is never part of the spec.
     */
    public record Parsed(String name, ClusterSpec spec, String externalId) {
        @Override
        public String toString() {
            // records print every field; keep the external ID out of logs
            return "Parsed[name=" + name + ", spec=" + spec + "]";
        }
    }

    /** Either {@code parsed} or a non-empty {@code violations}. */
    public record Result(Parsed parsed, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private GridClusterRequest() {
    }

    /** Parses raw JSON text, so duplicate keys are caught (a tree has already lost them). */
    public static Result parse(String json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonParseException e) {
            String path = pathOf(e.getProcessor() == null ? null : e.getProcessor().getParsingContext());
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                String field = message.substring(message.indexOf('\'') + 1, message.lastIndexOf('\''));
                return invalid(join(parentPath(path, field), field), "duplicate key '" + field + "'");
            }
            return invalid(path.isEmpty() ? "$" : path, "not valid JSON: " + message);
        } catch (JsonProcessingException e) {
            return invalid("$", "not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root);
    }

    public static Result parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            return invalid("$", "expected a JSON object like {\"name\": \"foo-01\", \"spec\": {…}}");
        }
        List<Violation> violations = new ArrayList<>();
        checkKnownKeys(root, KNOWN, "", violations);

        String name = text(root, "name", "name", violations);
        SpecRules.clusterName(name).ifPresent(m -> violations.add(new Violation("name", m)));

        JsonNode spec = root.path("spec");
        if (!spec.isObject()) {
            violations.add(new Violation("spec", "give the cluster spec object (what the Terraform module printed)"));
            return new Result(null, violations);
        }
        String clusterType = optionalText(spec, "cluster_type", "spec.cluster_type", violations);
        if (clusterType != null && !CLUSTER_TYPE_BYOC.equals(clusterType)) {
            violations.add(new Violation("spec.cluster_type", "only " + CLUSTER_TYPE_BYOC + " is supported"));
        }
        String profile = performanceProfile(optionalText(spec, "performance_profile", "spec.performance_profile", violations),
                "spec.performance_profile", violations);
        boolean strict = false;
        JsonNode strictNode = spec.get("strict_validation");
        if (strictNode != null && !strictNode.isNull()) {
            if (!strictNode.isBoolean()) {
                violations.add(new Violation("spec.strict_validation", "must be true or false"));
            } else {
                strict = strictNode.booleanValue();
            }
        }

        JsonNode aws = spec.path("driver").path("kubernetes").path("aws");
        if (!aws.isObject()) {
            violations.add(new Violation(AWS, "give the AWS driver settings (region, role_arn, bucket_name)"));
            return new Result(null, violations);
        }
        String region = text(aws, "region", AWS + ".region", violations);
        SpecRules.region(region).ifPresent(m -> violations.add(new Violation(AWS + ".region", m)));
        String roleArn = text(aws, "role_arn", AWS + ".role_arn", violations);
        SpecRules.roleArn(roleArn).ifPresent(m -> violations.add(new Violation(AWS + ".role_arn", m)));
        // optional: the platform issues the external ID, so leaving it out means "my issued one"
        String externalId = text(aws, "external_id", AWS + ".external_id", violations);
        if (externalId != null && externalId.isEmpty()) {
            externalId = null;
        }
        if (externalId != null) {
            SpecRules.externalId(externalId).ifPresent(m -> violations.add(new Violation(AWS + ".external_id", m)));
        }
        String bucket = text(aws, "bucket_name", AWS + ".bucket_name", violations);
        SpecRules.bucketName(bucket).ifPresent(m -> violations.add(new Violation(AWS + ".bucket_name", m)));
        String eksName = optionalText(aws, "eks_cluster_name", AWS + ".eks_cluster_name", violations);
        if (eksName == null || eksName.isEmpty()) {
            eksName = name;
            if (name != null && SpecRules.clusterName(name).isEmpty()) {
                SpecRules.eksClusterName(name).ifPresent(m -> violations.add(new Violation(AWS + ".eks_cluster_name",
                        "the cluster name '" + name + "' is not a valid EKS cluster name, so give eks_cluster_name explicitly")));
            }
        } else {
            SpecRules.eksClusterName(eksName).ifPresent(m -> violations.add(new Violation(AWS + ".eks_cluster_name", m)));
        }
        List<ClusterSpec.InstanceType> instanceTypes = instanceTypes(aws.get("instance_types"), AWS + ".instance_types", violations);
        for (String ami : List.of("cpu_ami_override", "gpu_ami_override", "builder_ami_override")) {
            optionalText(aws, ami, AWS + "." + ami, violations);
        }

        if (!violations.isEmpty()) {
            return new Result(null, violations);
        }
        return new Result(new Parsed(name, new ClusterSpec(region, roleArn, bucket, eksName,
                instanceTypes == null ? DEFAULT_INSTANCE_TYPES : instanceTypes, profile, strict), externalId), List.of());
    }

    /** Grid's enum names, or our short wire names; null means the default profile. */
    public static String performanceProfile(String value, String path, List<Violation> violations) {
        if (value == null || value.isEmpty() || PROFILE_DEFAULT.equals(value) || ClusterSpec.PROFILE_DEFAULT.equals(value)) {
            return ClusterSpec.PROFILE_DEFAULT;
        }
        if (PROFILE_COST_SAVING.equals(value) || ClusterSpec.PROFILE_COST_SAVING.equals(value)) {
            return ClusterSpec.PROFILE_COST_SAVING;
        }
        violations.add(new Violation(path, "performance profile must be " + PROFILE_DEFAULT + " or " + PROFILE_COST_SAVING));
        return null;
    }

    /** Reads {@code instance_types}; null when absent. */
    public static List<ClusterSpec.InstanceType> instanceTypes(JsonNode node, String path, List<Violation> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            violations.add(new Violation(path, "give a non-empty list of instance types like [{\"name\": \"m5.xlarge\"}]"));
            return null;
        }
        List<ClusterSpec.InstanceType> types = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String itemPath = path + "[" + i + "]";
            if (!item.isObject()) {
                violations.add(new Violation(itemPath, "each instance type is an object like {\"name\": \"m5.xlarge\"}"));
                continue;
            }
            String typeName = text(item, "name", itemPath + ".name", violations);
            SpecRules.instanceType(typeName).ifPresent(m -> violations.add(new Violation(itemPath + ".name", m)));
            int count = 0;
            JsonNode countNode = item.get("overprovisioned_ondemand_count");
            if (countNode != null && !countNode.isNull()) {
                if (!countNode.canConvertToInt() || !countNode.isIntegralNumber() || countNode.intValue() < 0) {
                    violations.add(new Violation(itemPath + ".overprovisioned_ondemand_count", "must be a whole number ≥ 0"));
                } else {
                    count = countNode.intValue();
                }
            }
            if (typeName != null && types.stream().anyMatch(t -> typeName.equals(t.name()))) {
                violations.add(new Violation(itemPath + ".name", "instance type '" + typeName + "' is listed twice"));
            }
            types.add(new ClusterSpec.InstanceType(typeName, count));
        }
        return types;
    }

    @SuppressWarnings("unchecked")
    public static void checkKnownKeys(JsonNode node, Map<String, Object> known, String path, List<Violation> violations) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String fieldPath = join(path, field.getKey());
            if (!known.containsKey(field.getKey())) {
                violations.add(new Violation(fieldPath, "unknown key '" + field.getKey() + "'"
                        + (known.isEmpty() ? "" : "; known keys here: " + String.join(", ", known.keySet()))));
                continue;
            }
            Object shape = known.get(field.getKey());
            JsonNode value = field.getValue();
            if (shape instanceof Map<?, ?> nested && value.isObject()) {
                checkKnownKeys(value, (Map<String, Object>) nested, fieldPath, violations);
            } else if (shape instanceof List<?> items && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    if (value.get(i).isObject()) {
                        checkKnownKeys(value.get(i), (Map<String, Object>) items.get(0), fieldPath + "[" + i + "]", violations);
                    }
                }
            }
        }
    }

    static String text(JsonNode node, String field, String path, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            violations.add(new Violation(path, "must be a string"));
            return null;
        }
        return value.textValue();
    }

    static String optionalText(JsonNode node, String field, String path, List<Violation> violations) {
        return text(node, field, path, violations);
    }

    private static Result invalid(String path, String message) {
        return new Result(null, List.of(new Violation(path, message)));
    }

    private static Map<String, Object> keys(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /**
     * The path of {@code field} inside {@code path}: dotted for plain keys, bracketed and quoted
     * for any other ({@code spec[""]}, {@code spec["a.b"]}), so every violation names a path.
     */
    static String join(String path, String field) {
        if (!PLAIN_KEY.matcher(field).matches()) {
            return (path == null ? "" : path) + "[" + Json.write(field) + "]";
        }
        return path == null || path.isEmpty() ? field : path + "." + field;
    }

    private static final java.util.regex.Pattern PLAIN_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_$-]+");

    /** Jackson's context at a duplicate key already points at the key; strip it to get the object's path. */
    private static String parentPath(String path, String field) {
        if (path.equals(field)) {
            return "";
        }
        return path.endsWith("." + field) ? path.substring(0, path.length() - field.length() - 1) : path;
    }

    private static String pathOf(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, c.getCurrentName());
            }
        }
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (part.startsWith("[") || path.length() == 0) {
                path.append(part);
            } else {
                path.append('.').append(part);
            }
        }
        return path.toString();
    }

    /**
     * The Grid-shaped document for a spec, as the API shows it and the editor opens it.
     * {@code externalId} is what to show in {@code external_id}: the owner's issued ID masked
     * ({@link dev.byoc.contracts.tenant.ExternalIds#mask}) for display, or null to leave the key out.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode toGrid(String name, ClusterSpec spec, String externalId) {
        var mapper = Json.mapper();
        var root = mapper.createObjectNode();
        if (name != null) {
            root.put("name", name);
        }
        var specNode = root.putObject("spec");
        specNode.put("cluster_type", CLUSTER_TYPE_BYOC);
        specNode.put("performance_profile", ClusterSpec.PROFILE_COST_SAVING.equals(spec.performanceProfile())
                ? PROFILE_COST_SAVING : PROFILE_DEFAULT);
        if (spec.strict()) {
            specNode.put("strict_validation", true);
        }
        var aws = specNode.putObject("driver").putObject("kubernetes").putObject("aws");
        aws.put("region", spec.region());
        aws.put("role_arn", spec.roleArn());
        if (externalId != null) {
            aws.put("external_id", externalId);
        }
        aws.put("bucket_name", spec.bucketName());
        aws.put("eks_cluster_name", spec.eksClusterName());
        var types = aws.putArray("instance_types");
        for (ClusterSpec.InstanceType type : spec.instanceTypes()) {
            types.addObject().put("name", type.name()).put("overprovisioned_ondemand_count", type.overprovisionedOnDemandCount());
        }
        return root;
    }

    /** For callers that want just the first message of a single-field check. */
    public static Optional<Violation> first(Result result) {
        return result.violations().stream().findFirst();
    }
}
