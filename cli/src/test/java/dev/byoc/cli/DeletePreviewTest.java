package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.contracts.Json;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code byoc delete cluster <name> --dry-run}: the registry's preview, printed; nothing asked, nothing deleted. */
class DeletePreviewTest extends RegistryTestBase {
    static final String PREFIX = "s3://byoc-demo-01-bucket/byoc/6f1c2a9e-0000-4000-8000-000000000001/";

    @BeforeEach
    void preview() throws Exception {
        registry.addCluster("prev-01", "running", "EKS cluster is ACTIVE", Instant.now());
        registry.teardownPreview = Json.mapper().readTree("""
                {"outcome": "ready", "prefix": "%s", "objectCount": 102,
                 "objects": ["%sa.json", "%sruns/1/log.txt"],
                 "leftBehind": [{"resource": "arn:aws:eks:us-east-1:111122223333:cluster/demo-01",
                                 "reason": "created by your Terraform module; the platform never deletes it"},
                                {"resource": "s3://byoc-demo-01-bucket", "reason": "created by your Terraform module"},
                                {"resource": "arn:aws:iam::111122223333:role/byoc-demo-01", "reason": "created by your Terraform module"}],
                 "hint": "run `terraform destroy` in the module that created them to remove them"}"""
                .formatted(PREFIX, PREFIX, PREFIX));
    }

    @Test
    void dryRunPrintsWhatWouldGoAndWhatStaysAndDeletesNothing() {
        var result = cli.run("delete", "cluster", "prev-01", "--dry-run");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(registry.requests).contains("DELETE /api/v1/clusters/prev-01?dryRun=true")
                .doesNotContain("DELETE /api/v1/clusters/prev-01");
        assertThat(result.out()).contains("would").contains("remove 102 objects under " + PREFIX)
                .contains("- " + PREFIX + "a.json").contains("- " + PREFIX + "runs/1/log.txt").contains("… and 100 more")
                .contains("leave behind (3):").contains("arn:aws:eks:us-east-1:111122223333:cluster/demo-01")
                .contains("next: run `terraform destroy`");
        assertThat(result.err()).contains("nothing was changed");
    }

    @Test
    void dryRunAsJsonPrintsTheRegistrysAnswer() throws Exception {
        var result = cli.run("delete", "cluster", "prev-01", "--dry-run", "-o", "json");

        assertThat(result.exit()).as(result.toString()).isZero();
        var answer = Json.mapper().readTree(result.out());
        assertThat(answer.path("dryRun").asBoolean()).isTrue();
        assertThat(answer.path("teardown").path("objectCount").asLong()).isEqualTo(102);
    }

    @Test
    void dryRunWithForceOrWaitIsAUsageError() {
        var forced = cli.run("delete", "cluster", "prev-01", "--dry-run", "--force");
        assertThat(forced.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(forced.err()).contains("--dry-run").contains("--force");
        var waiting = cli.run("delete", "cluster", "prev-01", "--dry-run", "--wait");
        assertThat(waiting.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(registry.requests).noneMatch(r -> r.startsWith("DELETE"));
    }
}
