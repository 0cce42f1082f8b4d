package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import org.junit.jupiter.api.Test;

/** `byoc clusters prerequisites`: what the customer's role must trust, in each format. */
class PrerequisitesTest extends RegistryTestBase {
    @Test
    void theTableSaysWhatToTrustAndWhatToDoNext() {
        var result = cli.run("clusters", "prerequisites");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out())
                .containsPattern("platform principal:\\s+" + FakeRegistry.PRINCIPAL_ARN.replace(".", "\\."))
                .containsPattern("your external ID:\\s+" + FakeRegistry.EXTERNAL_ID)
                // the trust policy pretty-printed (one key a line), indented under its heading
                .contains("trust policy")
                .contains("\n  {\n")
                .contains("\"Action\" : \"sts:AssumeRole\"")
                .contains("\"AWS\" : \"" + FakeRegistry.PRINCIPAL_ARN + "\"")
                .contains("\"sts:ExternalId\" : \"" + FakeRegistry.EXTERNAL_ID + "\"")
                .contains("byoc clusters prerequisites -o tfvars > byoc.auto.tfvars")
                .contains("external_id_override = \"" + FakeRegistry.EXTERNAL_ID + "\"");
        assertThat(result.err()).isEmpty();
        assertThat(registry.requests).containsExactly("GET /api/v1/aws/prerequisites");
    }

    @Test
    void jsonIsTheApiBody() throws Exception {
        var result = cli.run("clusters", "prerequisites", "-o", "json");

        assertThat(result.exit()).as(result.toString()).isZero();
        JsonNode printed = Json.mapper().readTree(result.out());
        assertThat(printed).isEqualTo(Json.mapper().valueToTree(FakeRegistry.prerequisites()));
        assertThat(printed.path("externalId").asText()).isEqualTo(FakeRegistry.EXTERNAL_ID);
    }

    @Test
    void tfvarsIsExactlyTheTerraformVariables() {
        var result = cli.run("clusters", "prerequisites", "--output", "tfvars");

        assertThat(result.exit()).as(result.toString()).isZero();
        // byte for byte what the registry sent, nothing before or after: `> byoc.auto.tfvars` is a valid file
        assertThat(result.out()).isEqualTo("platform_principal_arn = \"" + FakeRegistry.PRINCIPAL_ARN + "\"\n"
                + "external_id            = \"" + FakeRegistry.EXTERNAL_ID + "\"\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void errorsTheUsualWay() {
        var notLoggedIn = withoutEnvironment().run("clusters", "prerequisites");
        assertThat(notLoggedIn.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(notLoggedIn.err()).contains("not logged in").contains("byoc login");
        assertThat(notLoggedIn.out()).isEmpty();

        cli.vars.put("BYOC_API_KEY", "revoked");
        var refused = cli.run("clusters", "prerequisites", "-o", "tfvars");
        assertThat(refused.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(refused.err()).contains("refused the API key");
        assertThat(refused.out()).isEmpty();

        var badFormat = cli.run("clusters", "prerequisites", "-o", "yaml");
        assertThat(badFormat.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFormat.err()).contains("'yaml' is not an output format here; use table, json or tfvars");
    }

    @Test
    void listedInTheHelp() {
        var help = cli.run("clusters", "--help");

        assertThat(help.out()).contains("prerequisites");
        assertThat(cli.run("clusters", "aws", "--help").out().replaceAll("\\s+", " ")).contains("defaults to your issued external ID")
                .contains("byoc clusters prerequisites");
        assertThat(registry.requests).isEmpty();
    }
}
