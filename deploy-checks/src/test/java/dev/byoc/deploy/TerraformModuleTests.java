package dev.byoc.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.envelope.SchemaValidator;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.testsupport.AwsStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The customer's Terraform module, checked without a Terraform binary: parsed with hcl4j, its
 * inputs, its trust and access policies, and the spec it prints.
 */
class TerraformModuleTests {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sandbox account of the local stack (deploy/local/aws-sandbox), which example.tfvars describes. */
    static final String SANDBOX_ACCOUNT = "111122223333";
    private static final Pattern VAR_REF = Pattern.compile("\\bvar\\.([A-Za-z_][A-Za-z0-9_-]*)");
    private static final Set<String> READ_VERBS = Set.of("Describe", "List", "Get", "Head");

    @Test
    void everyFileIsValidHclAndEveryVariableUsedIsDeclared() {
        Set<String> used = new TreeSet<>();
        for (Path file : TerraformModule.tfFiles()) {
            TerraformModule.parseFile(file); // throws on a syntax error
            Matcher m = VAR_REF.matcher(TerraformModule.text(file));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        Set<String> declared = declaredVariables();
        assertThat(TerraformModule.tfFiles()).extracting(p -> p.getFileName().toString())
                .contains("versions.tf", "variables.tf", "main.tf", "outputs.tf");
        assertThat(declared).as("declared variables").containsAll(used);
        assertThat(used).as("every declared variable is used somewhere").containsAll(declared);
        assertThat(declared).contains("cluster_name", "region", "platform_principal_arn", "external_id", "instance_types",
                "performance_profile", "create_eks_cluster", "create_bucket", "tags");
    }

    @Test
    void theExampleSetsEveryRequiredVariableAndNothingUndeclared() {
        Map<String, Object> example = TerraformModule.tfvars(TerraformModule.text(TerraformModule.EXAMPLE_TFVARS));
        Set<String> declared = declaredVariables();
        assertThat(declared).containsAll(example.keySet());
        assertThat(example.keySet()).as("variables without a default must be in the example").containsAll(requiredVariables());
    }

    @Test
    void theRegistrysPrerequisitesVariablesAreTheModulesInputs() throws Exception {
        // the text GET /api/v1/aws/prerequisites returns as terraformVars (PrerequisitesResource)
        Path resource = Repo.path("registry-service/src/main/java/dev/byoc/registry/tenant/PrerequisitesResource.java");
        String source = Files.readString(resource);
        Matcher m = Pattern.compile("\"([a-z_]+)\\s+= \\\\\"").matcher(source);
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).containsExactlyInAnyOrder("platform_principal_arn", "external_id");
        assertThat(requiredVariables()).containsAll(names);
    }

    @Test
    void theTrustPolicyTrustsOnlyThePlatformPrincipalWithTheExternalId() {
        Map<String, Object> module = TerraformModule.parse(TerraformModule.structureText());
        assertThat(trustProblems(module)).isEmpty();
    }

    @Test
    void theTrustCheckCatchesAPolicyWithoutTheExternalIdCondition() {
        String open = TerraformModule.structureText().replace("test     = \"StringEquals\"", "test     = \"StringLike\"");
        assertThat(trustProblems(TerraformModule.parse(open))).isNotEmpty();
        String anyone = TerraformModule.structureText().replace("identifiers = [var.platform_principal_arn]", "identifiers = [\"*\"]");
        assertThat(trustProblems(TerraformModule.parse(anyone))).isNotEmpty();
    }

    @Test
    void noStatementAllowsAWriteActionOnEverythingAndNoManagedPolicyIsAttachedToThePlatformsRole() {
        assertThat(policyProblems(TerraformModule.parse(TerraformModule.structureText()), TerraformModule.allText())).isEmpty();
    }

    @Test
    void thePolicyCheckCatchesAWriteOnStarAWildcardActionAndAManagedPolicy() {
        String text = TerraformModule.structureText();
        String writeOnStar = text.replace("resources = [\"${local.bucket_arn}/byoc/*\"]", "resources = [\"*\"]");
        assertThat(writeOnStar).isNotEqualTo(text);
        assertThat(policyProblems(TerraformModule.parse(writeOnStar), writeOnStar)).anyMatch(p -> p.contains("s3:PutObject"));
        String wildcard = text.replace("actions   = [\"eks:DescribeCluster\"]", "actions   = [\"eks:*\"]");
        assertThat(policyProblems(TerraformModule.parse(wildcard), wildcard)).anyMatch(p -> p.contains("eks:*"));
        String managed = text + "\nresource \"aws_iam_role_policy_attachment\" \"admin\" {\n  role       = aws_iam_role.byoc.name\n"
                + "  policy_arn = \"arn:aws:iam::aws:policy/AmazonS3FullAccess\"\n}\n";
        assertThat(policyProblems(TerraformModule.parse(managed), managed)).isNotEmpty();
    }

    @Test
    void thePolicysActionsAreTheReadmesTable() throws Exception {
        Set<String> inPolicy = new TreeSet<>();
        for (Map<String, Object> statement : statements(TerraformModule.parse(TerraformModule.structureText()), "access")) {
            inPolicy.addAll(strings(statement.get("actions")));
        }
        String readme = Files.readString(TerraformModule.DIR.resolve("README.md"));
        int from = readme.indexOf("## Why each permission");
        assertThat(from).as("README section 'Why each permission'").isPositive();
        int to = readme.indexOf("\n## ", from + 1);
        Set<String> inTable = new TreeSet<>();
        for (String line : readme.substring(from, to < 0 ? readme.length() : to).split("\n")) {
            Matcher m = Pattern.compile("^\\| `([a-z0-9-]+:[A-Za-z0-9*]+)` \\|([^|]+)\\|([^|]+)\\|").matcher(line);
            if (m.find()) {
                assertThat(m.group(3).trim()).as("what needs " + m.group(1)).isNotEmpty();
                inTable.add(m.group(1));
            }
        }
        assertThat(inTable).isEqualTo(inPolicy);
        assertThat(inPolicy).contains("eks:DescribeCluster", "s3:PutObject", "s3:DeleteObject", "servicequotas:GetServiceQuota");
    }

    @Test
    void theOutputRenderedFromTheExampleIsARequestTheRegistryAccepts() throws Exception {
        ObjectNode rendered = render(AwsStandIn.externalIdOf("admin"));
        // the registry's request schema: the register command's request is the REST body (contracts)
        ObjectNode command = JSON.createObjectNode().put("actingUser", "admin");
        command.set("request", rendered);
        assertThat(SchemaValidator.violations("byoc.cluster.register.v1", command)).isEmpty();
        // and its rules (names, region, ARN, bucket, instance families): the code the registry runs
        GridClusterRequest.Result result = GridClusterRequest.parse(rendered);
        assertThat(result.violations()).isEmpty();
        assertThat(result.parsed().externalId()).isEqualTo(AwsStandIn.externalIdOf("admin"));
        // nothing left unevaluated
        assertThat(rendered.toString()).doesNotContain("var.", "local.", "data.", "aws_iam_role.", "${");
        // the sandbox's demo cluster, the one deploy/local/demo-spec.json registers
        JsonNode demo = JSON.readTree(Repo.path("deploy/local/demo-spec.json").toFile());
        ObjectNode withoutId = rendered.deepCopy();
        ((ObjectNode) withoutId.at("/spec/driver/kubernetes/aws")).remove("external_id");
        assertThat(JSON.readTree(withoutId.toString())).isEqualTo(demo); // as JSON text: number node types aside
        assertThat(TerraformModule.output("gridv1_cluster", exampleWith(AwsStandIn.externalIdOf("admin")), SANDBOX_ACCOUNT))
                .isEqualTo(rendered);
    }

    @Test
    void theOutputFollowsTheInputs() {
        Map<String, Object> vars = exampleWith(AwsStandIn.externalIdOf("admin"));
        vars.put("performance_profile", "cost-saving");
        vars.put("bucket_name", "");
        vars.put("role_name", "");
        vars.put("eks_cluster_name", "");
        vars.put("cluster_name", "team-7");
        JsonNode out = TerraformModule.output("byoc_cluster", vars, "444455556666");
        assertThat(out.path("name").asText()).isEqualTo("team-7");
        assertThat(out.at("/spec/performance_profile").asText()).isEqualTo(GridClusterRequest.PROFILE_COST_SAVING);
        JsonNode aws = out.at("/spec/driver/kubernetes/aws");
        assertThat(aws.path("bucket_name").asText()).isEqualTo("byoc-team-7-444455556666");
        assertThat(aws.path("role_arn").asText()).isEqualTo("arn:aws:iam::444455556666:role/byoc-team-7");
        assertThat(aws.path("eks_cluster_name").asText()).isEqualTo("team-7");
        assertThat(GridClusterRequest.parse(out).violations()).isEmpty();
    }

    /** byoc_cluster from example.tfvars with the caller's issued external ID (what prerequisites gives). */
    static ObjectNode render(String externalId) {
        return (ObjectNode) TerraformModule.output("byoc_cluster", exampleWith(externalId), SANDBOX_ACCOUNT);
    }

    static Map<String, Object> exampleWith(String externalId) {
        Map<String, Object> vars = new HashMap<>(TerraformModule.tfvars(TerraformModule.text(TerraformModule.EXAMPLE_TFVARS)));
        vars.put("external_id", externalId);
        return vars;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> variables() {
        return (Map<String, Map<String, Object>>) TerraformModule.parseFile(TerraformModule.DIR.resolve("variables.tf")).get("variable");
    }

    private static Set<String> declaredVariables() {
        return new TreeSet<>(variables().keySet());
    }

    private static Set<String> requiredVariables() {
        Set<String> required = new TreeSet<>();
        variables().forEach((name, body) -> {
            if (!body.containsKey("default")) {
                required.add(name);
            }
        });
        return required;
    }

    /** What is wrong with the role's trust policy; empty = only the platform principal, only with the external ID. */
    static List<String> trustProblems(Map<String, Object> module) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> role = resource(module, "aws_iam_role", "byoc");
        if (role == null || !"data.aws_iam_policy_document.trust.json".equals(String.valueOf(role.get("assume_role_policy")))) {
            problems.add("aws_iam_role.byoc must take its assume_role_policy from data.aws_iam_policy_document.trust");
        }
        List<Map<String, Object>> statements = statements(module, "trust");
        if (statements.size() != 1) {
            problems.add("the trust policy must have exactly one statement, has " + statements.size());
        }
        for (Map<String, Object> s : statements) {
            if (!"Allow".equals(s.get("effect")) || !List.of("sts:AssumeRole").equals(strings(s.get("actions")))) {
                problems.add("the statement must allow sts:AssumeRole only: " + s);
            }
            List<Map<String, Object>> principals = maps(s.get("principals"));
            if (principals.size() != 1 || !"AWS".equals(principals.get(0).get("type"))
                    || !List.of("var.platform_principal_arn").equals(strings(principals.get(0).get("identifiers")))) {
                problems.add("the only principal must be var.platform_principal_arn: " + principals);
            }
            List<Map<String, Object>> conditions = maps(s.get("condition"));
            boolean externalId = conditions.stream().anyMatch(c -> "StringEquals".equals(c.get("test"))
                    && "sts:ExternalId".equals(c.get("variable")) && List.of("var.external_id").equals(strings(c.get("values"))));
            if (!externalId) {
                problems.add("the statement must require StringEquals sts:ExternalId = var.external_id: " + conditions);
            }
        }
        return problems;
    }

    /** Write actions on "*", wildcard actions, managed policies on the platform's role, FullAccess anywhere. */
    static List<String> policyProblems(Map<String, Object> module, String text) {
        List<String> problems = new ArrayList<>();
        for (String document : documents(module).keySet()) {
            for (Map<String, Object> s : statements(module, document)) {
                if (s.containsKey("principals")) {
                    continue; // a trust policy: who may assume, not what the role may do
                }
                List<String> resources = strings(s.get("resources"));
                for (String action : strings(s.get("actions"))) {
                    if (action.contains("*")) {
                        problems.add(document + ": wildcard action " + action);
                    }
                    if (isWrite(action) && (resources.contains("*") || resources.isEmpty())) {
                        problems.add(document + ": write action " + action + " on " + (resources.isEmpty() ? "no resource (= *)" : "*"));
                    }
                }
            }
        }
        Map<String, Object> policy = resource(module, "aws_iam_role_policy", "access");
        if (policy == null || !"data.aws_iam_policy_document.access.json".equals(String.valueOf(policy.get("policy")))) {
            problems.add("aws_iam_role_policy.access must take its policy from data.aws_iam_policy_document.access");
        }
        Map<String, Object> attachments = resources(module, "aws_iam_role_policy_attachment");
        attachments.forEach((name, body) -> {
            Object role = ((Map<?, ?>) body).get("role");
            if (String.valueOf(role).startsWith("aws_iam_role.byoc.")) {
                problems.add("a managed policy is attached to the platform's role: " + name);
            }
        });
        Map<String, Object> role = resource(module, "aws_iam_role", "byoc");
        if (role != null && role.containsKey("managed_policy_arns")) {
            problems.add("aws_iam_role.byoc has managed_policy_arns");
        }
        if (text.contains("FullAccess")) {
            problems.add("a *FullAccess managed policy is named");
        }
        return problems;
    }

    static boolean isWrite(String action) {
        String verb = action.substring(action.indexOf(':') + 1);
        return READ_VERBS.stream().noneMatch(verb::startsWith);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> documents(Map<String, Object> module) {
        Map<String, Object> data = (Map<String, Object>) module.getOrDefault("data", Map.of());
        return (Map<String, Object>) data.getOrDefault("aws_iam_policy_document", Map.of());
    }

    private static List<Map<String, Object>> statements(Map<String, Object> module, String document) {
        Object body = documents(module).get(document);
        if (!(body instanceof Map<?, ?> map)) {
            return List.of();
        }
        return maps(map.get("statement"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resources(Map<String, Object> module, String type) {
        Map<String, Object> all = (Map<String, Object>) module.getOrDefault("resource", Map.of());
        return (Map<String, Object>) all.getOrDefault(type, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resource(Map<String, Object> module, String type, String name) {
        return (Map<String, Object>) resources(module, type).get(name);
    }

    /** A repeated block parses as a list of maps, a single one as a map. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        if (value instanceof Map<?, ?> map) {
            return List.of((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            return (List<Map<String, Object>>) list;
        }
        return List.of();
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
