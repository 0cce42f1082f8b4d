package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** --wait on the live stream: progress, the end states, --timeout, and a stream that drops. */
class WaitTest extends RegistryTestBase {
    static final String FAILED_CHECKS = """
            [{"id": "assume-role", "status": "fail",
              "message": "cannot assume arn:aws:iam::111122223333:role/byoc-demo-01 with external ID …7f3a",
              "remediation": "make the role's trust policy allow sts:AssumeRole with your external ID"},
             {"id": "external-id-enforced", "status": "skipped", "message": "skipped because assume-role failed",
              "remediation": "fix the failed check first"}]""";

    private String[] create(String name, String... more) throws Exception {
        Path spec = home.resolve("spec.json");
        Files.writeString(spec, TestSpecs.request(name));
        String[] base = {"clusters", "aws", name, "--spec-file", spec.toString(), "--wait"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return args;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void createWaitEndsOnRunningWithPlainLinesOffATerminal() throws Exception {
        registry.afterCreate = name -> {
            sleep(200);
            registry.setStatus(name, "pending", "validating AWS access");
            sleep(200);
            registry.setStatus(name, "running", "EKS cluster is ACTIVE");
        };

        var result = cli.run(create("wait-01"));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("wait-01 queued").contains("wait-01 pending: validating AWS access")
                .contains("cluster 'wait-01' is running after").doesNotContain("\r").doesNotContain("\u001b[");
        assertThat(registry.count("GET", "/api/v1/clusters/wait-01/events")).isEqualTo(1);
        assertThat(registry.count("GET", "/api/v1/clusters?")).isZero(); // no polling
    }

    @Test
    void onATerminalAProgressLineIsRedrawnInPlace() throws Exception {
        cli.stderrTty = true;
        registry.afterCreate = name -> {
            sleep(500);
            registry.setStatus(name, "running", "EKS cluster is ACTIVE");
        };

        var result = cli.run(create("wait-02", "-o", "json"));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("\r\u001b[2K").containsPattern("[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏](\u001b\\[0m)? wait-02");
        assertThat(Json.mapper().readTree(result.out()).path("status").asText()).isEqualTo("running");
    }

    @Test
    void aFailedClusterExitsOneWithTheReasonAndTheRemediation() throws Exception {
        registry.afterCreate = name -> {
            sleep(100);
            registry.setStatus(name, "pending", "validating AWS access");
            sleep(100);
            try {
                registry.setStatus(name, "failed", "assume-role: cannot assume the role", Json.mapper().readTree(FAILED_CHECKS),
                        null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        var result = cli.run(create("fail-01"));

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("error: cluster 'fail-01' failed after").contains("assume-role: cannot assume the role")
                .contains("✗ assume-role: cannot assume arn:aws:iam::111122223333:role/byoc-demo-01")
                .contains("fix: make the role's trust policy allow sts:AssumeRole with your external ID")
                .doesNotContain("external-id-enforced");
    }

    @Test
    void aClusterThatNeverBecomesReadyTimesOutWithExitThreeInTime() throws Exception {
        registry.afterCreate = name -> registry.setStatus(name, "pending", "validated; waiting for EKS to be ACTIVE");

        var result = cli.run(create("slow-01", "--timeout", "2s"));

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(result.millis()).isBetween(1900L, 6000L);
        assertThat(result.err()).contains("timed out after 2s: cluster 'slow-01' is still pending (validated; waiting for EKS")
                .contains("continues in the background").contains("byoc clusters describe slow-01");
    }

    @Test
    void aDroppedStreamIsReopened() throws Exception {
        registry.afterCreate = name -> {
            sleep(300);
            registry.setStatus(name, "pending", "validating AWS access");
            sleep(200);
            registry.dropStreams();
            sleep(1500);
            registry.setStatus(name, "running", "EKS cluster is ACTIVE");
        };

        var result = cli.run(create("drop-01", "--timeout", "30s"));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("status stream dropped: the registry closed the stream; reconnecting")
                .contains("reconnected to the status stream").contains("is running after");
        assertThat(registry.count("GET", "/api/v1/clusters/drop-01/events")).isGreaterThanOrEqualTo(2);
        // the repeated current state after the reconnect is not printed twice
        assertThat(result.err().split("drop-01 pending", -1)).hasSize(2);
    }

    @Test
    void deleteWaitEndsWithTheTeardownReport() throws Exception {
        registry.addCluster("gone-01", "running", "EKS cluster is ACTIVE", Instant.now());
        JsonNode teardown = Json.mapper().readTree("""
                {"removed": ["s3://byoc-demo-01-bucket/byoc/probe", "s3://byoc-demo-01-bucket/byoc/logs/1"],
                 "leftBehind": [{"resource": "arn:aws:eks:us-east-1:111122223333:cluster/demo-01",
                                 "reason": "the platform never deletes your EKS cluster"},
                                {"resource": "s3://byoc-demo-01-bucket", "reason": "the bucket is yours"}],
                 "hint": "run `terraform destroy` in the module that created them to remove them"}""");
        registry.afterDelete = name -> {
            sleep(300);
            registry.setStatus(name, "deleted", "teardown completed", null, teardown);
        };

        var result = cli.run("delete", "cluster", "gone-01", "--wait", "--timeout", "30s");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(registry.requests).contains("DELETE /api/v1/clusters/gone-01");
        assertThat(result.err()).contains("deletion requested").contains("gone-01 terminating")
                .contains("cluster 'gone-01' deleted after");
        assertThat(result.out()).contains("removed (2):").contains("✓ s3://byoc-demo-01-bucket/byoc/probe")
                .contains("left behind (2):").contains("arn:aws:eks:us-east-1:111122223333:cluster/demo-01")
                .contains("the platform never deletes your EKS cluster")
                .contains("next: run `terraform destroy`");
    }

    @Test
    void aForcedDeleteSaysNothingIsDeleted() {
        registry.addCluster("force-01", "failed", "assume-role failed", Instant.now());

        var result = cli.run("delete", "cluster", "force-01", "--force", "--yes", "--wait");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("--force removes the cluster from the platform without any teardown: no resources "
                + "are deleted");
        assertThat(result.out()).contains("forced: nothing was torn down");
        assertThat(registry.requests).contains("DELETE /api/v1/clusters/force-01?force=true");
    }

    @Test
    void aFailedTeardownExitsOneAndPointsAtForce() {
        registry.addCluster("stuck-01", "running", null, Instant.now());
        registry.afterDelete = name -> {
            sleep(200);
            registry.setStatus(name, "failed", "teardown did not finish within 30m");
        };

        var result = cli.run("delete", "cluster", "stuck-01", "--wait");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("deleting cluster 'stuck-01' failed").contains("byoc delete cluster stuck-01 --force");
    }

    @Test
    void onATerminalDeleteAsksFirst() {
        registry.addCluster("ask-01", "running", null, Instant.now());
        cli.stdinTty = true;

        cli.stdin = "n\n";
        var no = cli.run("delete", "cluster", "ask-01");
        assertThat(no.exit()).as(no.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(no.err()).contains("Delete cluster 'ask-01' (running)?").contains("[y/N]").contains("aborted; nothing was deleted");
        assertThat(registry.count("DELETE", "/")).isZero();

        cli.stdin = "y\n";
        var yes = cli.run("delete", "cluster", "ask-01");
        assertThat(yes.exit()).as(yes.toString()).isZero();
        assertThat(registry.count("DELETE", "/")).isEqualTo(1);
    }

    @Test
    void offATerminalDeleteDoesNotAsk() {
        registry.addCluster("noask-01", "running", null, Instant.now());

        var result = cli.run("delete", "cluster", "noask-01");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).doesNotContain("[y/N]");
        assertThat(registry.cluster("noask-01").path("status").asText()).isEqualTo("terminating");
    }
}
