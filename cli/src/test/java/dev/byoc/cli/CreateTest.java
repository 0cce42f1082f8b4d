package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CreateTest extends RegistryTestBase {
    private JsonNode posted() throws Exception {
        return Json.mapper().readTree(registry.bodies.get("POST /api/v1/clusters"));
    }

    @Test
    void fromFlags() throws Exception {
        var result = cli.run("clusters", "aws", "flags-01", "--region", "eu-west-1", "--role-arn", TestSpecs.ROLE,
                "--external-id", TestSpecs.EXTERNAL_ID, "--bucket-name", "flags-01-bucket",
                "--instance-types", "m5.xlarge,g4dn.xlarge", "--cost-savings");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("cluster 'flags-01' registered").contains("queued");
        JsonNode request = posted();
        assertThat(request.path("name").asText()).isEqualTo("flags-01");
        assertThat(request.path("spec").path("cluster_type").asText()).isEqualTo("CLUSTER_TYPE_BYOC");
        assertThat(request.path("spec").path("performance_profile").asText()).isEqualTo("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING");
        assertThat(aws(request).path("region").asText()).isEqualTo("eu-west-1");
        assertThat(aws(request).path("external_id").asText()).isEqualTo(TestSpecs.EXTERNAL_ID);
        assertThat(aws(request).path("instance_types").findValuesAsText("name")).containsExactly("m5.xlarge", "g4dn.xlarge");
        assertThat(registry.cluster("flags-01").path("status").asText()).isEqualTo("queued");
        // the external ID was checked against the issued one first
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites", "POST /api/v1/clusters");
    }

    @Test
    void fromASpecFileUnchanged() throws Exception {
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, TestSpecs.request("file-01"));

        var result = cli.run("clusters", "aws", "file-01", "--spec-file", spec.toString(), "-o", "json");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(posted()).isEqualTo(Json.mapper().readTree(TestSpecs.request("file-01")));
        JsonNode printed = Json.mapper().readTree(result.out());
        assertThat(printed.path("name").asText()).isEqualTo("file-01");
        assertThat(printed.path("status").asText()).isEqualTo("queued");
    }

    @Test
    void fromStdinAsTerraformPrintsIt() throws Exception {
        // `terraform output -json` (every output): the one holding the spec is used
        cli.stdin = "{\"byoc_cluster\": {\"sensitive\": false, \"type\": \"string\", \"value\": "
                + Json.write(TestSpecs.request("stdin-01")) + "}, \"region\": {\"sensitive\": false, \"type\": \"string\", "
                + "\"value\": \"us-east-1\"}}";

        var result = cli.run("clusters", "aws", "--spec-file", "-");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("using the 'byoc_cluster' output");
        assertThat(posted().path("name").asText()).isEqualTo("stdin-01");
        assertThat(registry.cluster("stdin-01")).isNotNull();
    }

    @Test
    void flagsFillInWhatTheFileLeavesOutAndMustAgreeWithTheRest() throws Exception {
        JsonNode withoutSecret = Json.mapper().readTree(TestSpecs.request("merge-01"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) aws(withoutSecret)).remove("external_id");
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, Json.write(withoutSecret));

        var disagree = cli.run("clusters", "aws", "other-01", "--spec-file", spec.toString(), "--region", "eu-west-1",
                "--external-id", TestSpecs.EXTERNAL_ID);
        assertThat(disagree.exit()).as(disagree.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(disagree.err()).contains("the flags disagree with " + spec + " (2 differences)")
                .contains("the name argument is 'other-01' but " + spec + " says name = 'merge-01'")
                .contains("--region eu-west-1 but " + spec + " has spec.driver.kubernetes.aws.region = us-east-1");
        assertThat(registry.requests).isEmpty();

        var agree = cli.run("clusters", "aws", "merge-01", "--spec-file", spec.toString(), "--region", "us-east-1",
                "--external-id", TestSpecs.EXTERNAL_ID);
        assertThat(agree.exit()).as(agree.toString()).isZero();
        assertThat(aws(posted()).path("external_id").asText()).isEqualTo(TestSpecs.EXTERNAL_ID);
    }

    @Test
    void editBeforeCreationWithAScriptedEditor() throws Exception {
        Path editor = script("editor.sh", """
                #!/bin/sh
                sed -i -e 's/"region" : ""/"region" : "us-west-2"/' \\
                       -e 's/"bucket_name" : ""/"bucket_name" : "edit-01-bucket"/' "$1"
                """);
        cli.vars.put("EDITOR", editor.toString());

        var result = cli.run("clusters", "aws", "edit-01", "--role-arn", TestSpecs.ROLE, "--edit-before-creation");

        assertThat(result.exit()).as(result.toString()).isZero();
        JsonNode request = posted();
        assertThat(request.path("name").asText()).isEqualTo("edit-01");
        assertThat(aws(request).path("role_arn").asText()).isEqualTo(TestSpecs.ROLE);
        assertThat(aws(request).path("region").asText()).isEqualTo("us-west-2");
        assertThat(aws(request).path("bucket_name").asText()).isEqualTo("edit-01-bucket");
        assertThat(aws(request).path("instance_types").findValuesAsText("name")).containsExactly("m5.xlarge");
        // optional, so not in the template: the registry uses the issued one
        assertThat(aws(request).has("external_id")).isFalse();
    }

    @Test
    void visualWinsOverEditorAndABadEditKeepsTheFile() throws Exception {
        cli.vars.put("EDITOR", "false");
        cli.vars.put("VISUAL", script("visual.sh", "#!/bin/sh\nsed -i 's/\"region\" : \"\"/\"region\" : \"us-east-1a\"/' \"$1\"\n")
                .toString());

        var result = cli.run("clusters", "aws", "edit-02", "--role-arn", TestSpecs.ROLE, "--external-id", "abc-123",
                "--bucket-name", "edit-02-bucket", "--edit-before-creation");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("give the region, not an availability zone").contains("your edits are kept in");
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void aBadNameIsRefusedBeforeAnyNetworkCall() {
        var result = cli.run("clusters", "aws", "Foo_01", "--region", "us-east-1", "--role-arn", TestSpecs.ROLE,
                "--external-id", TestSpecs.EXTERNAL_ID, "--bucket-name", "foo-01-bucket");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        // the contract's wording, the same the server would answer with
        assertThat(result.err()).contains("name (<name>): " + dev.byoc.contracts.spec.SpecRules.clusterName("Foo_01").get());
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void anAvailabilityZoneIsRefusedBeforeAnyNetworkCall() throws Exception {
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, TestSpecs.request("az-01").replace("\"us-east-1\"", "\"us-east-1a\""));
        cli.vars.put("BYOC_URL", "http://127.0.0.1:9"); // nothing there: proves no call is made

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("spec.driver.kubernetes.aws.region: 'us-east-1a' is an availability zone: "
                + "give the region, not an availability zone (us-east-1)");
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void duplicateKeysAreRefusedWithTheirPath() throws Exception {
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, TestSpecs.request("dup-01").replace("\"region\": \"us-east-1\",",
                "\"region\": \"us-east-1\", \"region\": \"eu-west-1\","));

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString());

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("spec.driver.kubernetes.aws.region: duplicate key 'region'");
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void aTakenNameIsAnInputErrorWithTheServersWords() throws Exception {
        registry.addCluster("taken-01", "running", null, java.time.Instant.now());
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, TestSpecs.request("taken-01"));

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString());

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("a cluster named 'taken-01' already exists");
    }

    @Test
    void dryRunCreatesNothing() throws Exception {
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, TestSpecs.request("dry-01"));

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString(), "--dry-run");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("nothing was created");
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites", "POST /api/v1/clusters?dryRun=true");
        assertThat(registry.cluster("dry-01")).isNull();
    }

    @Test
    void timeoutWithoutWaitIsAUsageError() {
        var result = cli.run("clusters", "aws", "x-01", "--timeout", "5m");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--timeout only applies with --wait");
    }
}
