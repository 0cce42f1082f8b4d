package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.tenant.TenantRules;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tenant rule on the client: an external ID named by --external-id or a spec file must be the
 * caller's issued one (checked against the prerequisites before anything is created); without one
 * the request leaves it out and the registry uses the issued one.
 */
class ExternalIdTest extends RegistryTestBase {
    static final String PATH = "spec.driver.kubernetes.aws.external_id";
    /** What the Terraform module would print for another user of the platform. */
    static final String BOBS = FakeRegistry.EXTERNAL_IDS.issuedTo("bob");
    static final String REFUSAL = TenantRules.externalId(BOBS, FakeRegistry.EXTERNAL_ID).orElseThrow();

    private Path specFile(String name, String externalId) throws Exception {
        ObjectNode doc = (ObjectNode) Json.mapper().readTree(TestSpecs.request(name));
        ObjectNode aws = (ObjectNode) aws(doc);
        if (externalId == null) {
            aws.remove("external_id");
        } else {
            aws.put("external_id", externalId);
        }
        Path file = home.resolve(name + ".json");
        Files.writeString(file, Json.write(doc));
        return file;
    }

    @Test
    void anotherUsersExternalIdByFlagIsRefusedBeforeAnythingIsSent() {
        var result = cli.run("clusters", "aws", "bob-01", "--region", "us-east-1", "--role-arn", TestSpecs.ROLE,
                "--external-id", BOBS, "--bucket-name", "bob-01-bucket", "--wait");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("error: the cluster spec breaks a rule")
                .contains(PATH + " (--external-id): " + REFUSAL)
                .contains("yours ends " + TestSpecs.EXTERNAL_ID_MASKED)
                .contains("byoc clusters prerequisites");
        // neither ID in full: not the one given, not the issued one
        assertThat(result.err() + result.out()).doesNotContain(BOBS).doesNotContain(FakeRegistry.EXTERNAL_ID);
        // only the look-up of the issued ID reached the registry: no create, no dry run, no stream
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites");
        assertThat(registry.cluster("bob-01")).isNull();
    }

    @Test
    void anotherUsersExternalIdInASpecFileNamesItsPath() throws Exception {
        Path spec = specFile("bob-02", BOBS);

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString(), "--dry-run");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("error: " + spec + " breaks a rule")
                .contains("  " + PATH + ": " + REFUSAL)
                .doesNotContain("(--external-id)");
        assertThat(result.err()).doesNotContain(BOBS).doesNotContain(FakeRegistry.EXTERNAL_ID);
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites");
    }

    @Test
    void withoutAnExternalIdTheRequestLeavesItOut() throws Exception {
        var result = cli.run("clusters", "aws", "plain-01", "--region", "us-east-1", "--role-arn", TestSpecs.ROLE,
                "--bucket-name", "plain-01-bucket", "-o", "json");

        assertThat(result.exit()).as(result.toString()).isZero();
        JsonNode posted = Json.mapper().readTree(registry.bodies.get("POST /api/v1/clusters"));
        assertThat(aws(posted).has("external_id")).isFalse();
        // nothing to check, so no look-up: the registry fills in the issued ID
        assertThat(registry.requests).containsExactly("POST /api/v1/clusters");
        // and shows it, like every cluster of hers, as its last four characters
        assertThat(aws(Json.mapper().readTree(result.out())).path("external_id").asText())
                .isEqualTo(TestSpecs.EXTERNAL_ID_MASKED);
    }

    @Test
    void anEmptyExternalIdInASpecFileMeansTheIssuedOne() throws Exception {
        Path spec = specFile("empty-01", "");

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        JsonNode posted = Json.mapper().readTree(registry.bodies.get("POST /api/v1/clusters"));
        assertThat(aws(posted).has("external_id")).isFalse();
        assertThat(registry.requests).containsExactly("POST /api/v1/clusters");
    }

    @Test
    void theIssuedExternalIdInASpecFileIsAccepted() throws Exception {
        Path spec = specFile("mine-01", FakeRegistry.EXTERNAL_ID);

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites", "POST /api/v1/clusters");
        assertThat(aws(Json.mapper().readTree(registry.bodies.get("POST /api/v1/clusters"))).path("external_id").asText())
                .isEqualTo(FakeRegistry.EXTERNAL_ID);
    }

    @Test
    void aFlagDisagreeingWithTheFileShowsOnlyTheLastFourCharacters() throws Exception {
        Path spec = specFile("both-01", FakeRegistry.EXTERNAL_ID);

        var result = cli.run("clusters", "aws", "--spec-file", spec.toString(), "--external-id", BOBS);

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("the flags disagree with " + spec)
                .contains("--external-id differs from " + spec + "'s " + PATH + " (ending " + TestSpecs.EXTERNAL_ID_MASKED
                        + ", the flag ends " + dev.byoc.contracts.tenant.ExternalIds.mask(BOBS) + ")");
        assertThat(result.err()).doesNotContain(BOBS).doesNotContain(FakeRegistry.EXTERNAL_ID);
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void anotherUsersExternalIdTypedIntoTheEditorKeepsTheEdits() throws Exception {
        Path editor = script("editor.sh", """
                #!/bin/sh
                sed -i -e 's/"region" : ""/"region" : "us-east-1", "external_id" : "%s"/' \\
                       -e 's/"bucket_name" : ""/"bucket_name" : "edit-03-bucket"/' "$1"
                """.formatted(BOBS));
        cli.vars.put("EDITOR", editor.toString());

        var result = cli.run("clusters", "aws", "edit-03", "--role-arn", TestSpecs.ROLE, "--edit-before-creation");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("the edited spec breaks a rule").contains(PATH + ": " + REFUSAL)
                .contains("your edits are kept in");
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites");
    }

    @Test
    void theRegistryIsAskedOnlyAfterTheLocalRules() {
        // a broken spec is refused with no request at all, external ID or not
        var result = cli.run("clusters", "aws", "Bob_01", "--region", "us-east-1", "--role-arn", TestSpecs.ROLE,
                "--external-id", BOBS, "--bucket-name", "bob-01-bucket");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("name (<name>)");
        assertThat(registry.requests).isEmpty();
    }
}
