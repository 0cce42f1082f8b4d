package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EditTest extends RegistryTestBase {
    @BeforeEach
    void addCluster() {
        registry.addCluster("demo-01", "running", "EKS cluster is ACTIVE", Instant.now());
    }

    @Test
    void flagsThatChangeNothingSendNothing() {
        var result = cli.run("edit", "cluster", "demo-01", "--instance-types", "m5.xlarge,g4dn.xlarge", "--performance");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("cluster 'demo-01' unchanged");
        assertThat(registry.count("PATCH", "/")).isZero();
    }

    @Test
    void flagsSendAMergePatch() throws Exception {
        var result = cli.run("edit", "cluster", "demo-01", "--instance-types", "g4dn.xlarge,c5.2xlarge", "--cost-savings",
                "-o", "json");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("cluster 'demo-01' updated (performance profile, instance types)");
        JsonNode patch = Json.mapper().readTree(registry.bodies.get("PATCH /api/v1/clusters/demo-01"));
        assertThat(patch).isEqualTo(Json.mapper().readTree("""
                {"spec": {"performance_profile": "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING",
                          "driver": {"kubernetes": {"aws": {"instance_types": [
                              {"name": "g4dn.xlarge", "overprovisioned_ondemand_count": 1},
                              {"name": "c5.2xlarge", "overprovisioned_ondemand_count": 0}]}}}}}"""));
        JsonNode printed = Json.mapper().readTree(result.out());
        assertThat(printed.path("spec").path("performance_profile").asText()).isEqualTo("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING");
    }

    @Test
    void anEditorThatSavesWithoutChangesLeavesTheClusterAlone() throws Exception {
        cli.vars.put("EDITOR", script("touch.sh", "#!/bin/sh\ntouch \"$1\"\n").toString());

        var result = cli.run("edit", "cluster", "demo-01");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("cluster 'demo-01' unchanged");
        assertThat(registry.count("PATCH", "/")).isZero();
    }

    @Test
    void anEditorChangeIsSentAsAMergePatch() throws Exception {
        cli.vars.put("EDITOR", script("edit.sh",
                "#!/bin/sh\nsed -i 's/CLUSTER_PERFORMANCE_PROFILE_DEFAULT/CLUSTER_PERFORMANCE_PROFILE_COST_SAVING/' \"$1\"\n")
                .toString());

        var result = cli.run("edit", "cluster", "demo-01");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("updated (performance profile)");
        assertThat(registry.cluster("demo-01").path("spec").path("performance_profile").asText())
                .isEqualTo("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING");
    }

    @Test
    void fieldsFixedAtCreationCannotBeEditedAndNothingIsSent() throws Exception {
        cli.vars.put("EDITOR", script("region.sh",
                "#!/bin/sh\nsed -i 's/\"aws\" : {/\"aws\" : { \"region\" : \"eu-west-1\",/' \"$1\"\n").toString());

        var result = cli.run("edit", "cluster", "demo-01");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("spec.driver.kubernetes.aws.region: 'region' cannot be edited")
                .contains("your edits are kept in");
        assertThat(registry.count("PATCH", "/")).isZero();
    }

    @Test
    void aGravitonTypeIsRefusedWithTheContractsWords() {
        var result = cli.run("edit", "cluster", "demo-01", "--instance-types", "m6g.large");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("is a Graviton (arm64) type");
        assertThat(registry.count("PATCH", "/")).isZero();
    }

    @Test
    void aTerminatingClusterCannotBeEdited() {
        registry.setStatus("demo-01", "terminating", "deletion requested");

        var result = cli.run("edit", "cluster", "demo-01", "--cost-savings");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("cluster 'demo-01' is terminating; it can no longer be edited");
    }

    @Test
    void aRotationThatPassesSaysSwitchedAndWhatOldCredentialRevokedWillSay() throws Exception {
        String role = "arn:aws:iam::111122223333:role/byoc-demo-01-good";
        var result = cli.run("edit", "cluster", "demo-01", "--role-arn", role, "-o", "json");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("switched to " + role).contains("old-credential-revoked warns")
                .contains("arn:aws:iam::111122223333:role/byoc-demo-01");
        JsonNode patch = Json.mapper().readTree(registry.bodies.get("PATCH /api/v1/clusters/demo-01"));
        assertThat(patch.path("spec").path("driver").path("kubernetes").path("aws").path("role_arn").asText()).isEqualTo(role);
        assertThat(Json.mapper().readTree(result.out()).path("spec").path("driver").path("kubernetes").path("aws")
                .path("role_arn").asText()).isEqualTo(role);
    }

    @Test
    void aRotationThatFailsPrintsTheChecksAndExits1() {
        String role = "arn:aws:iam::111122223333:role/byoc-demo-01-broken";
        var result = cli.run("edit", "cluster", "demo-01", "--role-arn", role);

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("assume-role").contains("fail").contains("cannot assume " + role)
                .contains("trust the platform");
        assertThat(result.err()).contains("rotation failed").contains("keeps running on arn:aws:iam::111122223333:role/byoc-demo-01");
    }

    @Test
    void aRotationComesAlone() {
        var result = cli.run("edit", "cluster", "demo-01", "--role-arn", "arn:aws:iam::111122223333:role/x-good", "--cost-savings");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(registry.count("PATCH", "/")).isZero();
    }
}
