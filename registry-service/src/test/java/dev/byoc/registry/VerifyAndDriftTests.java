package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.registry.drift.DriftSchedule;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue #17 items 1 and 2 on the real broker and PostgreSQL: verify on demand publishes
 * {@code verify-requested} and changes nothing else; the drift schedule publishes it for running
 * and failed clusters when they come due, and for no other; each check of a report keeps the time
 * it last changed status, and the cluster when it was last validated.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class VerifyAndDriftTests {
    private static final String VERIFY = "byoc.cluster.verify-requested.v1";

    @Inject
    DriftSchedule drift;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    private static String register(String name) {
        String id = ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body(Specs.grid(name))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        assertThat(KafkaTestClient.shared().read("byoc.cluster-events", r -> id.equals(r.key()), found -> !found.isEmpty(),
                Duration.ofSeconds(20))).isNotEmpty();
        return id;
    }

    private static List<ConsumerRecord<String, String>> verifications(String clusterId, int atLeast, Duration within) {
        return KafkaTestClient.shared().read("byoc.cluster-events", r -> clusterId.equals(r.key())
                && VERIFY.equals(KafkaTestClient.header(r, "ce_type")), found -> found.size() >= atLeast, within);
    }

    static void produce(String clusterId, String type, String json) {
        KafkaTestClient.shared().produce("byoc.cluster-events", clusterId, json,
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, clusterId));
    }

    static void statusChanged(String id, String name, String from, String to, String reasonCode) {
        produce(id, "byoc.cluster.status-changed.v1", """
                {"clusterId": "%s", "name": "%s", "from": %s, "to": "%s", "reason": "test", "reasonCode": "%s",
                 "causeEventId": "%s", "observedAt": "%s"}""".formatted(id, name, from == null ? "null" : "\"" + from + "\"",
                to, reasonCode, UUID.randomUUID(), Instant.now()));
    }

    private static String report(String id, String externalIdStatus, Instant completedAt) {
        return """
                {"clusterId": "%s", "causeEventId": "%s", "checks": [
                  {"id": "assume-role", "status": "pass", "message": "assumed", "remediation": null},
                  {"id": "external-id-enforced", "status": "%s", "message": "probe", "remediation": null}],
                 %s"completedAt": "%s"}""".formatted(id, UUID.randomUUID(), externalIdStatus,
                externalIdStatus.equals("fail") ? "\"reason\": \"validation failed: external-id-enforced\", " : "", completedAt);
    }

    private static void awaitStatus(String name, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (status.equals(ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).then().extract()
                    .path("status"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " never became " + status);
    }

    private JsonNode awaitValidatedAt(String name, Instant at) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode cluster = null;
        while (System.nanoTime() < deadline) {
            cluster = Json.read(ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).asString(), JsonNode.class);
            if (cluster.hasNonNull("lastValidatedAt") && Instant.parse(cluster.get("lastValidatedAt").asText()).equals(at)) {
                return cluster;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("lastValidatedAt never became " + at + ": " + cluster);
    }

    @Test
    void verifyPublishesVerifyRequestedWithTheCurrentSpecAndChangesNothingElse() {
        String name = ClusterApiTests.unique("verify");
        String id = register(name);
        JsonNode before = Json.read(ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).asString(),
                JsonNode.class);

        String verificationId = ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/clusters/" + name + "/verify").then()
                .statusCode(202).body("cluster.name", equalTo(name)).body("verification.trigger", equalTo("user"))
                .extract().path("verification.id");

        var published = verifications(id, 1, Duration.ofSeconds(20));
        assertThat(published).hasSize(1);
        assertThat(KafkaTestClient.header(published.get(0), "ce_id")).isEqualTo(verificationId);
        assertThat(KafkaTestClient.header(published.get(0), "ce_source")).isEqualTo("/byoc/registry-service");
        JsonNode data = Json.read(published.get(0).value(), JsonNode.class);
        assertThat(data.path("trigger").asText()).isEqualTo("user");
        assertThat(data.path("owner").asText()).isEqualTo(AwsStandIn.OWNER);
        assertThat(data.path("spec").path("roleArn").asText()).isEqualTo(AwsStandIn.ROLE_ARN);
        assertThat(data.path("spec").has("externalId")).as("no secret rides the topic").isFalse();
        assertThat(published.get(0).value()).doesNotContain(AwsStandIn.externalIdOf(AwsStandIn.OWNER));
        // nothing else changes: same spec, same status, no report yet
        JsonNode after = Json.read(ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).asString(),
                JsonNode.class);
        assertThat(after.path("spec")).isEqualTo(before.path("spec"));
        assertThat(after.path("status").asText()).isEqualTo("queued");
        assertThat(after.has("lastValidatedAt")).isFalse();
    }

    @Test
    void verifyIsRefusedForAnotherUsersClusterAnUnknownNameAndOnceDeletionBegan() {
        String name = ClusterApiTests.unique("verify");
        String id = register(name);
        String otherKey = ClusterApiTests.newUserKey();

        ClusterApiTests.as(otherKey).post("/api/v1/clusters/" + name + "/verify").then().statusCode(404)
                .contentType("application/problem+json");
        ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/clusters/" + name + "x/verify").then().statusCode(404)
                .body("detail", containsString("did you mean " + name));
        ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/clusters/" + name).then().statusCode(202);
        ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/clusters/" + name + "/verify").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("terminating"));
        io.restassured.RestAssured.given().post("/api/v1/clusters/" + name + "/verify").then().statusCode(401);

        assertThat(verifications(id, 1, Duration.ofSeconds(3))).as("nothing published for a refused verify").isEmpty();
    }

    @Test
    void eachCheckKeepsWhenItLastChangedStatusAndTheClusterWhenItWasLastValidated() throws Exception {
        String name = ClusterApiTests.unique("since");
        String id = register(name);
        Instant first = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        produce(id, "byoc.cluster.validation-failed.v1", report(id, "fail", first));
        JsonNode failed = awaitValidatedAt(name, first);
        assertThat(failed.path("validation").path("checks").findValuesAsText("since"))
                .containsExactly(first.toString(), first.toString());

        Instant second = first.plusSeconds(60);
        produce(id, "byoc.cluster.validated.v1", report(id, "pass", second));
        JsonNode passed = awaitValidatedAt(name, second);
        JsonNode checks = passed.path("validation").path("checks");
        assertThat(checks.get(0).path("id").asText()).isEqualTo("assume-role");
        assertThat(Instant.parse(checks.get(0).path("since").asText())).as("unchanged: still passing since the first report")
                .isEqualTo(first);
        assertThat(checks.get(1).path("status").asText()).isEqualTo("pass");
        assertThat(Instant.parse(checks.get(1).path("since").asText())).as("changed from fail to pass").isEqualTo(second);

        Instant third = second.plusSeconds(60);
        produce(id, "byoc.cluster.validated.v1", report(id, "pass", third));
        JsonNode again = awaitValidatedAt(name, third);
        assertThat(Instant.parse(again.path("validation").path("checks").get(1).path("since").asText())).isEqualTo(second);
    }

    @Test
    void theDriftScheduleVerifiesRunningAndFailedClustersWhenTheyComeDueAndNoOthers() throws Exception {
        String running = ClusterApiTests.unique("drift");
        String failed = ClusterApiTests.unique("drift");
        String queued = ClusterApiTests.unique("drift");
        String runningId = register(running);
        String failedId = register(failed);
        String queuedId = register(queued);
        statusChanged(runningId, running, "queued", "running", "eks-active");
        statusChanged(failedId, failed, "queued", "failed", "validation-failed");
        awaitStatus(running, "running");
        awaitStatus(failed, "failed");
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, "")) {
            Instant due = dueAt(db, runningId);
            assertThat(due).as("a new cluster's first turn is one interval (6 h +/- 10 %) after its registration")
                    .isBetween(Instant.now().plus(Duration.ofMinutes(320)), Instant.now().plus(Duration.ofMinutes(400)));
            try (PreparedStatement past = db.prepareStatement("update registry.clusters set next_verify_at = now() - interval "
                    + "'1 minute' where id = any(?)")) {
                past.setArray(1, db.createArrayOf("uuid", new Object[] {UUID.fromString(runningId), UUID.fromString(failedId),
                        UUID.fromString(queuedId)}));
                past.executeUpdate();
            }

            assertThat(drift.claimEverythingDue()).isGreaterThanOrEqualTo(3);

            assertThat(verifications(runningId, 1, Duration.ofSeconds(20))).singleElement()
                    .satisfies(r -> assertThat(Json.read(r.value(), JsonNode.class).path("trigger").asText()).isEqualTo("scheduled"));
            assertThat(verifications(failedId, 1, Duration.ofSeconds(20))).hasSize(1);
            assertThat(verifications(queuedId, 1, Duration.ofSeconds(2))).as("queued: its first validation is under way").isEmpty();
            for (String id : List.of(runningId, failedId, queuedId)) {
                assertThat(dueAt(db, id)).as("moved on by one interval").isAfter(Instant.now().plus(Duration.ofMinutes(320)));
            }
            drift.claimEverythingDue();
            assertThat(verifications(runningId, 2, Duration.ofSeconds(2))).as("not due again").hasSize(1);
        }
    }

    private static Instant dueAt(Connection db, String id) throws Exception {
        try (PreparedStatement query = db.prepareStatement("select next_verify_at from registry.clusters where id = ?")) {
            query.setObject(1, UUID.fromString(id));
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }
}
