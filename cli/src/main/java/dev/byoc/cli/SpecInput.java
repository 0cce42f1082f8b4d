package dev.byoc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.contracts.tenant.TenantRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds the Grid-shaped create request (DESIGN §5) from flags, from a spec file / stdin, or both
 * (flags fill in what the file leaves out and must agree with what it says), and checks it with the
 * shared contract rules before anything is sent.
 */
public final class SpecInput {
    static final String AWS = GridClusterRequest.AWS;

    /** The flags of {@code byoc clusters aws}; null means "not given". */
    public record Flags(String name, String region, String roleArn, String externalId, String bucketName,
            String eksClusterName, List<String> instanceTypes, boolean costSavings) {
    }

    /** A field a flag sets: where it lives in the document and what the flag is called. */
    private record Field(String flag, String path, String key) {
    }

    private static final Field REGION = new Field("--region", AWS + ".region", "region");
    private static final Field ROLE_ARN = new Field("--role-arn", AWS + ".role_arn", "role_arn");
    private static final Field EXTERNAL_ID = new Field("--external-id", AWS + ".external_id", "external_id");
    private static final Field BUCKET = new Field("--bucket-name", AWS + ".bucket_name", "bucket_name");
    private static final Field EKS = new Field("--eks-cluster-name", AWS + ".eks_cluster_name", "eks_cluster_name");

    /** Which flag sets a JSON path, to say "--region" next to the path in error messages. */
    public static final Map<String, String> FLAG_FOR_PATH = Map.of(
            "name", "<name>",
            REGION.path(), REGION.flag(),
            ROLE_ARN.path(), ROLE_ARN.flag(),
            EXTERNAL_ID.path(), EXTERNAL_ID.flag(),
            BUCKET.path(), BUCKET.flag(),
            EKS.path(), EKS.flag(),
            AWS + ".instance_types", "--instance-types",
            "spec.performance_profile", "--cost-savings");

    private SpecInput() {
    }

    /** The request from flags alone; with {@code template}, every field appears (empty) so an editor shows what to fill in. */
    public static ObjectNode fromFlags(Flags flags, boolean template) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", flags.name() == null ? "" : flags.name());
        ObjectNode spec = root.putObject("spec");
        spec.put("cluster_type", GridClusterRequest.CLUSTER_TYPE_BYOC);
        spec.put("performance_profile", flags.costSavings() ? GridClusterRequest.PROFILE_COST_SAVING
                : GridClusterRequest.PROFILE_DEFAULT);
        ObjectNode aws = spec.putObject("driver").putObject("kubernetes").putObject("aws");
        putIf(aws, "region", flags.region(), template);
        putIf(aws, "role_arn", flags.roleArn(), template);
        // optional (the registry uses the caller's issued ID), so not in the template either: an empty
        // field would read as "fill me in", and the editor's temp file then holds no ID at all
        if (flags.externalId() != null) {
            aws.put("external_id", flags.externalId());
        }
        putIf(aws, "bucket_name", flags.bucketName(), template);
        if (flags.eksClusterName() != null) {
            aws.put("eks_cluster_name", flags.eksClusterName());
        }
        List<String> types = flags.instanceTypes();
        if ((types == null || types.isEmpty()) && template) {
            types = GridClusterRequest.DEFAULT_INSTANCE_TYPES.stream().map(ClusterSpec.InstanceType::name).toList();
        }
        if (types != null && !types.isEmpty()) {
            aws.set("instance_types", instanceTypes(types));
        }
        return root;
    }

    private static void putIf(ObjectNode node, String key, String value, boolean template) {
        if (value != null) {
            node.put(key, value);
        } else if (template) {
            node.put(key, "");
        }
    }

    static ArrayNode instanceTypes(List<String> names) {
        ArrayNode array = Json.mapper().createArrayNode();
        for (String name : names) {
            array.addObject().put("name", name).put("overprovisioned_ondemand_count", 0);
        }
        return array;
    }

    /**
     * Reads a spec document: the request itself, the bare spec object, a JSON string holding either
     * ({@code terraform output -json <name>} of a jsonencode()d output), or the whole
     * {@code terraform output -json} map (the output holding a spec is picked). Duplicate keys are
     * refused with their path, like the server does.
     *
     * @param notes receives one line saying what was unwrapped, if anything
     */
    public static ObjectNode read(String text, String source, List<String> notes) {
        if (text == null || text.isBlank()) {
            throw CliException.usage(source + " is empty; give the JSON the Terraform module printed");
        }
        JsonNode root = parse(text, source);
        for (int depth = 0; depth < 4; depth++) {
            if (root.isTextual()) {
                root = parse(root.textValue(), source);
                continue;
            }
            if (!root.isObject()) {
                break;
            }
            if (root.has("spec") || root.has("name")) {
                return (ObjectNode) root;
            }
            if (root.has("driver") || root.has("cluster_type") || root.has("performance_profile")) {
                ObjectNode wrapped = Json.mapper().createObjectNode();
                wrapped.set("spec", root);
                notes.add("read " + source + " as the bare cluster spec");
                return wrapped;
            }
            if (isTerraformOutput(root)) {
                root = root.get("value");
                continue;
            }
            String output = terraformOutputHoldingSpec(root);
            if (output != null) {
                notes.add("using the '" + output + "' output of terraform output -json");
                root = root.get(output).get("value");
                continue;
            }
            break;
        }
        if (!root.isObject()) {
            throw CliException.usage(source + " is not a cluster spec: expected a JSON object like "
                    + "{\"name\": \"foo-01\", \"spec\": {…}}");
        }
        return (ObjectNode) root;
    }

    private static JsonNode parse(String text, String source) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            // the contract parser reports a duplicate key or a syntax error with its path, as the server would
            GridClusterRequest.Result result = GridClusterRequest.parse(text);
            List<Violation> violations = result.valid() ? List.of(new Violation("$", "not valid JSON: " + e.getOriginalMessage()))
                    : result.violations();
            throw CliException.usage(source + " is not valid JSON", violations.stream().map(v -> v.path() + ": " + v.message()).toList());
        }
    }

    /** {"sensitive": …, "type": …, "value": …}: one output of `terraform output -json`. */
    private static boolean isTerraformOutput(JsonNode node) {
        return node.isObject() && node.has("value") && (node.has("type") || node.has("sensitive"))
                && node.size() <= 3;
    }

    private static String terraformOutputHoldingSpec(JsonNode root) {
        List<String> candidates = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!isTerraformOutput(field.getValue())) {
                return null; // not the output map
            }
            JsonNode value = field.getValue().get("value");
            if (value.isTextual()) {
                try {
                    value = Json.mapper().readTree(value.textValue());
                } catch (JsonProcessingException e) {
                    continue;
                }
            }
            if (value != null && value.isObject() && (value.has("spec") || value.has("driver"))) {
                candidates.add(field.getKey());
            }
        }
        for (String preferred : List.of("byoc_cluster", "gridv1_cluster", "cluster_spec")) {
            if (candidates.contains(preferred)) {
                return preferred;
            }
        }
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    /**
     * Lays the flags over a spec file: a flag fills in a field the file leaves out or empty; a flag
     * that says something else than the file is an error naming every difference (the external ID is
     * never echoed).
     */
    public static ObjectNode merge(ObjectNode file, Flags flags, String source) {
        ObjectNode doc = file.deepCopy();
        List<String> differences = new ArrayList<>();
        if (flags.name() != null) {
            JsonNode name = doc.get("name");
            if (name == null || name.isNull() || (name.isTextual() && name.textValue().isEmpty())) {
                doc.put("name", flags.name());
            } else if (!flags.name().equals(name.asText())) {
                differences.add("the name argument is '" + flags.name() + "' but " + source + " says name = '"
                        + name.asText() + "'");
            }
        }
        boolean hasFlags = flags.region() != null || flags.roleArn() != null || flags.externalId() != null
                || flags.bucketName() != null || flags.eksClusterName() != null
                || (flags.instanceTypes() != null && !flags.instanceTypes().isEmpty()) || flags.costSavings();
        if (!hasFlags) {
            if (!differences.isEmpty()) {
                throw disagreement(differences, source);
            }
            return doc;
        }
        JsonNode specNode = doc.get("spec");
        if (specNode != null && !specNode.isObject()) {
            throw CliException.usage(source + ": spec must be an object");
        }
        ObjectNode spec = specNode == null ? doc.putObject("spec") : (ObjectNode) specNode;
        ObjectNode aws = object(object(object(spec, "driver", source), "kubernetes", source), "aws", source);
        text(aws, REGION, flags.region(), source, differences, false);
        text(aws, ROLE_ARN, flags.roleArn(), source, differences, false);
        text(aws, EXTERNAL_ID, flags.externalId(), source, differences, true);
        text(aws, BUCKET, flags.bucketName(), source, differences, false);
        text(aws, EKS, flags.eksClusterName(), source, differences, false);
        if (flags.instanceTypes() != null && !flags.instanceTypes().isEmpty()) {
            JsonNode types = aws.get("instance_types");
            if (types == null || types.isNull() || (types.isArray() && types.isEmpty())) {
                aws.set("instance_types", instanceTypes(flags.instanceTypes()));
            } else {
                Set<String> inFile = new LinkedHashSet<>();
                types.forEach(t -> inFile.add(t.path("name").asText()));
                if (!inFile.equals(new LinkedHashSet<>(flags.instanceTypes()))) {
                    differences.add("--instance-types " + String.join(",", flags.instanceTypes()) + " but " + source
                            + " has " + AWS + ".instance_types = " + String.join(",", inFile));
                }
            }
        }
        if (flags.costSavings()) {
            JsonNode profile = spec.get("performance_profile");
            String value = profile == null || profile.isNull() ? "" : profile.asText();
            if (value.isEmpty()) {
                spec.put("performance_profile", GridClusterRequest.PROFILE_COST_SAVING);
            } else if (!value.equals(GridClusterRequest.PROFILE_COST_SAVING) && !value.equals(ClusterSpec.PROFILE_COST_SAVING)) {
                differences.add("--cost-savings but " + source + " has spec.performance_profile = " + value);
            }
        }
        if (!differences.isEmpty()) {
            throw disagreement(differences, source);
        }
        return doc;
    }

    private static CliException disagreement(List<String> differences, String source) {
        List<String> lines = new ArrayList<>(differences);
        lines.add("drop the flags or change " + source + " so they agree");
        return CliException.usage("the flags disagree with " + source + " (" + differences.size()
                + (differences.size() == 1 ? " difference)" : " differences)"), lines);
    }

    private static ObjectNode object(ObjectNode parent, String key, String source) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return parent.putObject(key);
        }
        if (!node.isObject()) {
            throw CliException.usage(source + ": '" + key + "' must be an object");
        }
        return (ObjectNode) node;
    }

    private static void text(ObjectNode aws, Field field, String flag, String source, List<String> differences, boolean secret) {
        if (flag == null) {
            return;
        }
        JsonNode current = aws.get(field.key());
        String value = current == null || current.isNull() ? "" : current.asText();
        if (value.isEmpty()) {
            aws.put(field.key(), flag);
        } else if (!Objects.equals(value, flag)) {
            differences.add(secret
                    ? field.flag() + " differs from " + source + "'s " + field.path() + " (ending "
                            + ExternalIds.mask(value) + ", the flag ends " + ExternalIds.mask(flag) + ")"
                    : field.flag() + " " + flag + " but " + source + " has " + field.path() + " = " + value);
        }
    }

    /** Client-side validation: the contract's rules, so the wording is the server's. */
    public static GridClusterRequest.Parsed validate(ObjectNode doc, boolean fromFlags, String source) {
        GridClusterRequest.Result result = GridClusterRequest.parse(doc);
        if (result.valid()) {
            return result.parsed();
        }
        throw broken(result.violations(), fromFlags ? FLAG_FOR_PATH::get : path -> null, fromFlags ? "the cluster spec" : source);
    }

    /**
     * The tenant rule, checked before anything is created: an external ID the request names must be
     * the caller's issued one ({@code issued}, from the registry's prerequisites). The message is the
     * contract's, which shows neither ID in full.
     *
     * @param viaFlag whether {@code --external-id} was given (then the error names the flag)
     */
    public static void checkExternalId(GridClusterRequest.Parsed request, String issued, boolean viaFlag, String source) {
        TenantRules.externalId(request.externalId(), issued).ifPresent(message -> {
            throw broken(List.of(new Violation(EXTERNAL_ID.path(), message)),
                    path -> viaFlag ? FLAG_FOR_PATH.get(path) : null, viaFlag ? "the cluster spec" : source);
        });
    }

    /**
     * Leaves an empty {@code external_id} out of the request: empty and absent mean the same
     * ("my issued ID"), and a request without the key says so plainly.
     */
    public static void dropEmptyExternalId(ObjectNode doc) {
        JsonNode aws = doc.path("spec").path("driver").path("kubernetes").path("aws");
        JsonNode value = aws.get(EXTERNAL_ID.key());
        if (aws instanceof ObjectNode node && value != null && (value.isNull() || (value.isTextual() && value.textValue().isEmpty()))) {
            node.remove(EXTERNAL_ID.key());
        }
    }

    /** "where breaks a rule" and one line per violation: {@code path (flag): message}. */
    private static CliException broken(List<Violation> violations, java.util.function.Function<String, String> flagFor,
            String where) {
        List<String> lines = new ArrayList<>();
        for (Violation v : violations) {
            String flag = flagFor.apply(v.path());
            lines.add(v.path() + (flag == null ? "" : " (" + flag + ")") + ": " + v.message());
        }
        return CliException.usage(where + (lines.size() == 1 ? " breaks a rule" : " breaks " + lines.size() + " rules"), lines);
    }
}
