package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListAndDescribeTest extends RegistryTestBase {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @BeforeEach
    void fixTheClockAndAddClusters() {
        cli.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        registry.addCluster("old-01", "deleted", "teardown completed", NOW.minus(Duration.ofDays(9)));
        registry.addCluster("demo-01", "running", "EKS cluster is ACTIVE", NOW.minus(Duration.ofDays(2)));
        registry.addCluster("new-01", "pending", "validating AWS access", NOW.minus(Duration.ofMinutes(5)));
    }

    @Test
    void theTableHasTheReferenceColumnsAndHumanTimesAndNoColoursOffATerminal() {
        var result = cli.run("clusters");

        assertThat(result.exit()).as(result.toString()).isZero();
        String[] lines = result.out().split("\n");
        assertThat(lines[0]).matches("id\\s+name\\s+type\\s+status\\s+created");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).contains("new-01").contains("byoc").contains("pending").endsWith("5 minutes ago");
        assertThat(lines[2]).contains("demo-01").contains("running").endsWith("2 days ago");
        assertThat(result.out()).doesNotContain("\u001b[").doesNotContain("old-01");
        // columns line up
        assertThat(lines[1].indexOf("pending")).isEqualTo(lines[0].indexOf("status"));
    }

    @Test
    void statusesAreColouredOnATerminalAsTheReferenceDoes() {
        cli.stdoutTty = true;
        var result = cli.run("clusters", "--all");

        assertThat(result.out()).contains("\u001b[33mpending\u001b[0m").contains("\u001b[32mrunning\u001b[0m")
                .contains("\u001b[31mdeleted\u001b[0m");

        cli.vars.put("NO_COLOR", "1");
        assertThat(cli.run("clusters").out()).doesNotContain("\u001b[");
    }

    @Test
    void jsonAndYamlForScripts() throws Exception {
        var json = cli.run("clusters", "--all", "-o", "json");

        assertThat(json.exit()).isZero();
        JsonNode items = Json.mapper().readTree(json.out());
        assertThat(items.isArray()).isTrue();
        assertThat(java.util.stream.StreamSupport.stream(items.spliterator(), false).map(i -> i.path("name").asText()))
                .containsExactly("new-01", "demo-01", "old-01");
        assertThat(items.get(1).path("spec").path("driver").path("kubernetes").path("aws").path("external_id").asText())
                .isEqualTo(TestSpecs.EXTERNAL_ID_MASKED);

        var yaml = cli.run("clusters", "--output", "yaml");
        assertThat(yaml.exit()).isZero();
        assertThat(yaml.out()).contains("- id: ").contains("name: demo-01").contains("status: running");
    }

    @Test
    void everyPageIsListed() {
        registry.pageSize = 1;
        var result = cli.run("clusters", "--all", "-o", "json");

        assertThat(result.out()).contains("new-01").contains("demo-01").contains("old-01");
        assertThat(registry.count("GET", "/api/v1/clusters")).isEqualTo(3);
    }

    @Test
    void describeShowsTheStatusReasonAndTheChecksWithRemediation() throws Exception {
        registry.setStatus("demo-01", "failed", "assume-role failed", Json.mapper().readTree("""
                [{"id": "assume-role", "status": "fail", "message": "cannot assume the role",
                  "remediation": "allow sts:AssumeRole for the platform with your external ID"},
                 {"id": "quotas", "status": "warn", "message": "ASG quota is 200, recommended 800",
                  "remediation": "request an increase in the Service Quotas console"},
                 {"id": "eks-cluster", "status": "skipped", "message": "skipped because assume-role failed",
                  "remediation": "fix the failed check first"}]"""), null);

        var result = cli.run("clusters", "describe", "demo-01");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).contains("status:").contains("failed (assume-role failed)")
                .contains("region:").contains("us-east-1").contains("external ID:").contains(TestSpecs.EXTERNAL_ID_MASKED)
                .contains("instance types: m5.xlarge, g4dn.xlarge (+1 on-demand)")
                .contains("created:        2026-11-26 12:00:00 UTC (2 days ago)");
        assertThat(result.out()).containsPattern("check\\s+status\\s+message")
                .containsPattern("assume-role\\s+fail\\s+cannot assume the role")
                .contains("→ fix: allow sts:AssumeRole for the platform with your external ID")
                .containsPattern("quotas\\s+warn\\s+ASG quota is 200");
    }

    @Test
    void describeShowsACheckTheCliHasNeverHeardOfLikeAnyOther() throws Exception {
        // check ids are open in validated.v2 / validation-failed.v2: kubernetes-api, and whatever comes later
        registry.setStatus("demo-01", "failed", "kubernetes-api failed", Json.mapper().readTree("""
                [{"id": "eks-cluster", "status": "pass", "message": "EKS cluster demo-01 in us-east-1 is ACTIVE", "remediation": null},
                 {"id": "kubernetes-api", "status": "fail", "message": "the Kubernetes API of demo-01 refused the role (HTTP 401)",
                  "remediation": "aws eks create-access-entry --cluster-name demo-01 --principal-arn arn:aws:iam::111122223333:role/byoc-demo-01 --type STANDARD"},
                 {"id": "old-credential-revoked", "status": "warn", "message": "a check added after this CLI", "remediation": null}]"""), null);

        var result = cli.run("clusters", "describe", "demo-01");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).containsPattern("kubernetes-api\\s+fail\\s+the Kubernetes API of demo-01 refused the role")
                .contains("→ fix: aws eks create-access-entry --cluster-name demo-01")
                .containsPattern("old-credential-revoked\\s+warn\\s+a check added after this CLI");
    }

    @Test
    void describeOfAnUnknownNameSuggestsCloseOnes() {
        var result = cli.run("clusters", "describe", "demo-02");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("no cluster named 'demo-02'; did you mean demo-01?");
    }
}
