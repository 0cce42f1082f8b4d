package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `byoc clusters verify` (exit by the new report) and `byoc events tail` on the fleet stream (resumed after a drop). */
class VerifyAndFleetTest extends RegistryTestBase {
    static final String PASSING = """
            [{"id": "assume-role", "status": "pass", "message": "assumed", "remediation": null, "since": "2026-12-01T10:00:00Z"},
             {"id": "external-id-enforced", "status": "pass", "message": "refused without the external ID",
              "remediation": null, "since": "2026-12-03T09:00:00Z"}]""";
    static final String FAILING = """
            [{"id": "assume-role", "status": "pass", "message": "assumed", "remediation": null, "since": "2026-12-01T10:00:00Z"},
             {"id": "external-id-enforced", "status": "fail", "message": "AssumeRole succeeded without the external ID",
              "remediation": "add the sts:ExternalId condition, then run `byoc clusters verify demo-01`",
              "since": "2026-12-03T09:00:00Z"}]""";

    @BeforeEach
    void addClusters() {
        registry.addCluster("demo-01", "failed", "validation failed: external-id-enforced", Instant.now());
        registry.addCluster("demo-02", "running", "EKS cluster is ACTIVE", Instant.now());
    }

    private void reportLater(String name, String status, String reason, String checks) {
        new Thread(() -> {
            try {
                Thread.sleep(400);
                registry.setStatus(name, status, reason, Json.read(checks, JsonNode.class), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).start();
    }

    @Test
    void verifyWaitPrintsTheNewReportAndExitsZeroWhenNothingFails() {
        reportLater("demo-01", "pending", "validated; waiting for EKS to be ACTIVE", PASSING);

        var result = cli.run("clusters", "verify", "demo-01", "--wait", "--timeout", "10s");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(registry.count("POST", "/api/v1/clusters/demo-01/verify")).isEqualTo(1);
        assertThat(result.out()).contains("since").contains("external-id-enforced").contains("pass").doesNotContain("fail");
        assertThat(result.err()).contains("verified");
    }

    @Test
    void verifyWaitExitsOneWhenACheckStillFailsAndSaysWhatToDo() {
        reportLater("demo-01", "failed", "validation failed: external-id-enforced", FAILING);

        var result = cli.run("clusters", "verify", "demo-01", "--wait", "--timeout", "10s");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("fail").contains("byoc clusters verify demo-01");
        assertThat(result.err()).contains("verification failed");
    }

    @Test
    void verifyWithoutWaitOnlyAsksAndAnUnknownNameIsAUsageError() {
        var asked = cli.run("clusters", "verify", "demo-02");
        assertThat(asked.exit()).as(asked.toString()).isZero();
        assertThat(asked.err()).contains("verification of cluster 'demo-02' requested");

        var unknown = cli.run("clusters", "verify", "demo-03");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no cluster named 'demo-03'");
    }

    @Test
    void verifyWaitTimesOutWithExitThree() {
        var result = cli.run("clusters", "verify", "demo-01", "--wait", "--timeout", "1s");
        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
    }

    @Test
    void theFleetTailUsesTheFleetStreamAndShowsChecksThatChanged() throws Exception {
        registry.setStatus("demo-01", "failed", "validation failed: external-id-enforced", Json.read(FAILING, JsonNode.class),
                null);
        new Thread(() -> {
            try {
                Thread.sleep(600);
                registry.setStatus("demo-01", "running", "EKS cluster is ACTIVE", Json.read(PASSING, JsonNode.class), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).start();

        var result = cli.run("events", "tail", "--count", "4");

        assertThat(result.exit()).as(result.toString()).isZero();
        String[] lines = result.out().split("\n");
        assertThat(lines).hasSize(4);
        // each cluster's state first (newest first, as the list gives them)
        assertThat(java.util.List.of(lines[0], lines[1])).anySatisfy(l -> assertThat(l).contains("demo-01").contains("failed"))
                .anySatisfy(l -> assertThat(l).contains("demo-02").contains("running"));
        assertThat(lines[2]).matches("\\S+Z  demo-01  check external-id-enforced: fail -> pass");
        assertThat(lines[3]).matches("\\S+Z  demo-01  running  EKS cluster is ACTIVE");
        assertThat(registry.count("GET", "/api/v1/events")).isEqualTo(1);
        assertThat(registry.count("GET", "/api/v1/clusters/demo-01/events")).as("no per-cluster streams").isZero();
    }

    @Test
    void aDroppedFleetStreamResumesAfterTheLastEventReceived() throws Exception {
        new Thread(() -> {
            try {
                Thread.sleep(500);
                registry.setStatus("demo-02", "failed", "EKS reports FAILED");
                Thread.sleep(300);
                registry.dropStreams();
                registry.setStatus("demo-02", "running", "EKS cluster is ACTIVE again"); // while it is away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).start();

        var result = cli.run("events", "tail", "-o", "json", "--count", "4");

        assertThat(result.exit()).as(result.toString()).isZero();
        String[] lines = result.out().split("\n");
        JsonNode third = Json.read(lines[2], JsonNode.class);
        JsonNode fourth = Json.read(lines[3], JsonNode.class);
        assertThat(third.path("data").path("to").asText()).isEqualTo("failed");
        assertThat(fourth.path("data").path("to").asText()).as("the change made while the stream was away").isEqualTo("running");
        assertThat(fourth.path("offset").asLong()).isEqualTo(third.path("offset").asLong() + 1);
        assertThat(registry.count("GET", "/api/v1/events")).isEqualTo(2);
    }
}
