package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Role rotation on the real broker and PostgreSQL, the provisioner played by hand: PATCH of
 * role_arn publishes rotation-requested with the candidate and keeps the role; a rotation-validated
 * switches the write model and publishes updated (changed [roleArn], previousRoleArn = old) in the
 * projection's commit; a rotation-failed changes nothing, the status neither.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class RotationTests {
    static final String EVENTS = "byoc.cluster-events";
    static final String REQUESTED = "byoc.cluster.rotation-requested.v1";
    static final String OLD_ROLE = AwsStandIn.ROLE_ARN;

    static String newRole(String name) {
        return "arn:aws:iam::" + AwsStandIn.ACCOUNT + ":role/byoc-" + name + "-2";
    }

    static String rolePatch(String role) {
        return "{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"role_arn\": \"" + role + "\"}}}}}";
    }

    static ExtractableResponse<Response> patch(String key, String name, String body) {
        return ClusterApiTests.as(key).contentType("application/merge-patch+json").body(body)
                .patch("/api/v1/clusters/" + name).then().extract();
    }

    static String register(String name) {
        String id = ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body(Specs.grid(name))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        assertThat(KafkaTestClient.shared().read(EVENTS, r -> id.equals(r.key()), found -> !found.isEmpty(),
                Duration.ofSeconds(20))).isNotEmpty();
        return id;
    }

    static List<ConsumerRecord<String, String>> events(String clusterId, String type, int atLeast) {
        return events(clusterId, type, atLeast, Duration.ofSeconds(20));
    }

    static List<ConsumerRecord<String, String>> events(String clusterId, String type, int atLeast, Duration within) {
        return KafkaTestClient.shared().read(EVENTS, r -> clusterId.equals(r.key()) && type.equals(KafkaTestClient.header(r, "ce_type")),
                found -> found.size() >= atLeast, within);
    }

    static String answer(String clusterId, String type, String cause, String role, String from) {
        String id = UUID.randomUUID().toString();
        boolean failed = type.endsWith("rotation-failed.v1");
        KafkaTestClient.shared().produce(EVENTS, clusterId, """
                {"clusterId": "%s", "causeEventId": "%s", "roleArn": "%s", "fromRoleArn": "%s", "checks": [
                  {"id": "assume-role", "status": "%s", "message": "tried %s", "remediation": %s}],
                 %s"completedAt": "%s"}""".formatted(clusterId, cause, role, from, failed ? "fail" : "pass", role,
                failed ? "\"trust the platform\"" : "null", failed ? "\"reason\": \"rotation failed: assume-role: denied\", " : "",
                Instant.now()), KafkaTestClient.cloudEvent(id, type, clusterId));
        return id;
    }

    static JsonNode cluster(String name) {
        return Json.read(ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).asString(), JsonNode.class);
    }

    @Test
    void aRotationIsRequestedWithTheCandidateAndTheRoleSwitchesOnlyOnceValidated() throws Exception {
        String name = ClusterApiTests.unique("rot");
        String id = register(name);
        String candidate = newRole(name);

        // nobody answers within the wait: 202, the rotation to follow, nothing changed
        ExtractableResponse<Response> pending = patch(ClusterApiTests.ADMIN, name, rolePatch(candidate));
        assertThat(pending.statusCode()).isEqualTo(202);
        String rotationId = pending.path("rotation.id");
        assertThat(pending.<String>path("rotation.status")).isEqualTo("validating");
        assertThat(pending.header("Location")).endsWith("/api/v1/clusters/" + name + "/rotations/" + rotationId);
        assertThat(pending.<String>path("cluster.spec.driver.kubernetes.aws.role_arn")).isEqualTo(OLD_ROLE);

        ConsumerRecord<String, String> requested = events(id, REQUESTED, 1).get(0);
        assertThat(KafkaTestClient.header(requested, "ce_id")).isEqualTo(rotationId);
        JsonNode data = Json.read(requested.value(), JsonNode.class);
        assertThat(data.path("candidateRoleArn").asText()).isEqualTo(candidate);
        assertThat(data.path("spec").path("roleArn").asText()).as("the current spec").isEqualTo(OLD_ROLE);
        assertThat(requested.value()).doesNotContain(AwsStandIn.externalIdOf(AwsStandIn.OWNER));
        assertThat(cluster(name).path("spec").path("driver").path("kubernetes").path("aws").path("role_arn").asText())
                .isEqualTo(OLD_ROLE);
        ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name + "/rotations/" + rotationId).then()
                .statusCode(200).body("status", equalTo("validating")).body("roleArn", equalTo(candidate));

        String validated = answer(id, "byoc.cluster.rotation-validated.v1", rotationId, candidate, OLD_ROLE);
        ConsumerRecord<String, String> updated = events(id, "byoc.cluster.updated.v2", 1).get(0);
        assertThat(KafkaTestClient.header(updated, "ce_id")).isEqualTo(EventIds.derived(validated, "byoc.cluster.updated.v2"));
        JsonNode switched = Json.read(updated.value(), JsonNode.class);
        assertThat(switched.path("changed")).extracting(JsonNode::asText).containsExactly("roleArn");
        assertThat(switched.path("spec").path("roleArn").asText()).isEqualTo(candidate);
        assertThat(switched.path("spec").path("previousRoleArn").asText()).isEqualTo(OLD_ROLE);
        assertThat(cluster(name).path("spec").path("driver").path("kubernetes").path("aws").path("role_arn").asText())
                .isEqualTo(candidate);
        ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name + "/rotations/" + rotationId).then()
                .statusCode(200).body("status", equalTo("switched"));

        // a redelivered answer switches nothing again
        answer(id, "byoc.cluster.rotation-validated.v1", rotationId, candidate, OLD_ROLE);
        assertThat(events(id, "byoc.cluster.updated.v2", 2, Duration.ofSeconds(4))).hasSize(1);
    }

    @Test
    void theEditWaitsForTheAnswerAndSaysSwitched() throws Exception {
        String name = ClusterApiTests.unique("rotw");
        String id = register(name);
        String candidate = newRole(name);
        CompletableFuture<ExtractableResponse<Response>> edit = CompletableFuture.supplyAsync(() ->
                patch(ClusterApiTests.ADMIN, name, rolePatch(candidate)));
        String rotationId = KafkaTestClient.header(events(id, REQUESTED, 1).get(0), "ce_id");
        answer(id, "byoc.cluster.rotation-validated.v1", rotationId, candidate, OLD_ROLE);

        ExtractableResponse<Response> answered = edit.get();
        assertThat(answered.statusCode()).as(answered.asString()).isEqualTo(200);
        assertThat(answered.<String>path("rotation.status")).isEqualTo("switched");
        assertThat(answered.<String>path("cluster.spec.driver.kubernetes.aws.role_arn")).isEqualTo(candidate);
        assertThat(answered.<String>path("message")).contains("old-credential-revoked");
    }

    @Test
    void aFailedRotationAnswers422WithTheChecksAndLeavesRoleAndStatus() throws Exception {
        String name = ClusterApiTests.unique("rotf");
        String id = register(name);
        VerifyAndDriftTests.statusChanged(id, name, "pending", "running", "eks-active");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"running".equals(cluster(name).path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String candidate = newRole(name);
        CompletableFuture<ExtractableResponse<Response>> edit = CompletableFuture.supplyAsync(() ->
                patch(ClusterApiTests.ADMIN, name, rolePatch(candidate)));
        String rotationId = KafkaTestClient.header(events(id, REQUESTED, 1).get(0), "ce_id");
        answer(id, "byoc.cluster.rotation-failed.v1", rotationId, candidate, OLD_ROLE);

        ExtractableResponse<Response> failed = edit.get();
        assertThat(failed.statusCode()).as(failed.asString()).isEqualTo(422);
        assertThat(failed.contentType()).startsWith("application/problem+json");
        assertThat(failed.<String>path("type")).endsWith("/rotation-failed");
        assertThat(failed.<String>path("checks[0].id")).isEqualTo("assume-role");
        assertThat(failed.<String>path("checks[0].status")).isEqualTo("fail");
        assertThat(failed.<String>path("detail")).contains("keeps running on " + OLD_ROLE);
        JsonNode after = cluster(name);
        assertThat(after.path("status").asText()).isEqualTo("running");
        assertThat(after.path("spec").path("driver").path("kubernetes").path("aws").path("role_arn").asText()).isEqualTo(OLD_ROLE);
        assertThat(events(id, "byoc.cluster.updated.v2", 1, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void anotherTenantsClusterIsNotFoundAndAPlatformRoleIsRefusedAtItsPath() {
        String name = ClusterApiTests.unique("rott");
        register(name);
        assertThat(patch(ClusterApiTests.newUserKey(), name, rolePatch(newRole(name))).statusCode()).isEqualTo(404);

        ExtractableResponse<Response> platform = patch(ClusterApiTests.ADMIN, name,
                rolePatch("arn:aws:iam::" + AwsStandIn.PLATFORM_ACCOUNT + ":role/byoc-platform"));
        assertThat(platform.statusCode()).isEqualTo(400);
        assertThat(platform.<String>path("errors[0].path")).isEqualTo("spec.driver.kubernetes.aws.role_arn");
        assertThat(platform.<String>path("errors[0].message")).contains("platform's own AWS account");

        ExtractableResponse<Response> mixed = patch(ClusterApiTests.ADMIN, name, "{\"spec\": {\"performance_profile\": "
                + "\"cost-saving\", \"driver\": {\"kubernetes\": {\"aws\": {\"role_arn\": \"" + newRole(name) + "\"}}}}}");
        assertThat(mixed.statusCode()).isEqualTo(400);
        assertThat(mixed.<String>path("errors[0].path")).isEqualTo("spec.driver.kubernetes.aws.role_arn");
        assertThat(mixed.<String>path("errors[0].message")).contains("on its own");
        // the current role is no change at all: the cluster, 200
        assertThat(patch(ClusterApiTests.ADMIN, name, rolePatch(OLD_ROLE)).statusCode()).isEqualTo(200);
    }
}
