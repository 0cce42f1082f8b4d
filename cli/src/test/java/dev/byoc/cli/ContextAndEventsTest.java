package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContextAndEventsTest extends RegistryTestBase {
    @BeforeEach
    void addClusters() {
        registry.addCluster("demo-01", "running", "EKS cluster is ACTIVE", Instant.now());
        registry.addCluster("demo-02", "pending", "validating AWS access", Instant.now());
    }

    @Test
    void setClusterContextTakesAnExactName() {
        var result = cli.run("user", "set-cluster-context", "demo-01");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).contains("cluster context set to 'demo-01'");
        assertThat(registry.context()).isEqualTo("demo-01");
        assertThat(registry.bodies.get("PUT /api/v1/users/me/cluster-context")).isEqualTo("{\"cluster\":\"demo-01\"}");

        var get = cli.run("user", "get-cluster-context");
        assertThat(get.out()).isEqualTo("demo-01\n");
    }

    @Test
    void anUnknownContextListsCloseNames() {
        var result = cli.run("user", "set-cluster-context", "demo");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("no cluster named 'demo'; did you mean demo-01, demo-02?");
        assertThat(registry.context()).isNull();
    }

    @Test
    void eventsTailPrintsOneLinePerChange() throws Exception {
        new Thread(() -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                return;
            }
            registry.setStatus("demo-02", "running", "EKS cluster is ACTIVE");
        }).start();

        var result = cli.run("events", "tail", "--cluster", "demo-02", "--count", "2");

        assertThat(result.exit()).as(result.toString()).isZero();
        String[] lines = result.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("\\S+Z  demo-02  pending  validating AWS access");
        assertThat(lines[1]).matches("\\S+Z  demo-02  running  EKS cluster is ACTIVE");
    }

    @Test
    void eventsTailFollowsTheFleetAsJsonLines() throws Exception {
        var result = cli.run("events", "tail", "-o", "json", "--count", "2");

        assertThat(result.exit()).as(result.toString()).isZero();
        String[] lines = result.out().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = Json.mapper().readTree(lines[0]);
        JsonNode second = Json.mapper().readTree(lines[1]);
        assertThat(java.util.List.of(first.path("name").asText(), second.path("name").asText()))
                .containsExactlyInAnyOrder("demo-01", "demo-02");
    }
}
