package dev.byoc.monitor;

import dev.byoc.monitor.kafka.Publisher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.SchemaValidator;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import dev.byoc.testsupport.Rows;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monitor on the real broker and PostgreSQL with the AWS stand-in: status derived from the
 * facts, EKS health polling, no flapping, timeouts, the fleet state topic. Events are v2 (no external
 * ID in the spec) owned by {@link AwsStandIn#OWNER}, whose issued ID the demo role trusts; the admin
 * endpoints need the admin key, health and metrics answer on the management port.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorTests {
    static final String EVENTS = "byoc.cluster-events";
    static final String WATCH_LIST_ADMIN = "/api/v1/admin/projections/watch-list";
    static final String ADMIN_KEY = "test-admin-key"; // %test.byoc.admin-api-key
    static final String OWNER = AwsStandIn.OWNER;

    // management = true resolves against the management root path (/q): the value is relative to it
    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;
    @TestHTTPResource(value = "/health", management = true)
    URL health;
    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    AgroalDataSource dataSource;
    final KafkaTestClient kafka = KafkaTestClient.shared();
    final AwsStandIn aws = AwsStandIn.shared();

    /** A cluster on the sandbox role whose EKS cluster answers {@code status} until restubbed. */
    private StubMapping eks(String eksName, String status) {
        String body = """
                {"cluster": {"name": "%s", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/%s", "status": "%s",
                             "version": "1.31", "createdAt": 1764000000}}""".formatted(eksName, eksName, status);
        return aws.server().stubFor(get(urlPathEqualTo("/clusters/" + eksName)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
    }

    /** A v2 spec: no external ID (the monitor derives the owner's issued one). */
    private String spec(String eksName) {
        return spec(AwsStandIn.ROLE_ARN, eksName);
    }

    private String spec(String roleArn, String eksName) {
        return """
                {"region": "us-east-1", "roleArn": "%s", "bucketName": "byoc-demo-01-bucket",
                 "eksClusterName": "%s", "instanceTypes": [{"name": "m5.xlarge", "overprovisionedOnDemandCount": 0}],
                 "performanceProfile": "default", "strict": false}""".formatted(roleArn, eksName);
    }

    /** A legacy v1 spec, as the registry published before issue 11: it carries the customer's external ID. */
    private String v1Spec(String eksName, String externalId) {
        return """
                {"region": "us-east-1", "roleArn": "%s", "externalId": "%s", "bucketName": "byoc-demo-01-bucket",
                 "eksClusterName": "%s", "instanceTypes": [{"name": "m5.xlarge", "overprovisionedOnDemandCount": 0}],
                 "performanceProfile": "default", "strict": false}""".formatted(AwsStandIn.ROLE_ARN, externalId, eksName);
    }

    /** An admin call: the admin key as a bearer token. */
    private static RequestSpecification admin() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN_KEY);
    }

    private void send(String id, String type, String data) {
        send(id, UUID.randomUUID().toString(), type, data);
    }

    private void send(String id, String eventId, String type, String data) {
        assertThat(SchemaValidator.violations(type, Json.mapper().valueToTree(Json.read(data, Object.class)))).isEmpty();
        kafka.produce(EVENTS, id, data, KafkaTestClient.cloudEvent(eventId, type, id));
    }

    private void requested(String id, String name, String eksName) {
        requested(id, name, OWNER, spec(eksName));
    }

    private void requested(String id, String name, String owner, String spec) {
        send(id, "byoc.cluster.requested.v2", """
                {"clusterId": "%s", "name": "%s", "owner": "%s", "spec": %s, "requestedAt": "%s"}"""
                .formatted(id, name, owner, spec, Instant.now()));
    }

    private void validated(String id) {
        String cause = UUID.randomUUID().toString();
        send(id, "byoc.cluster.validation-started.v1", """
                {"clusterId": "%s", "causeEventId": "%s", "startedAt": "%s"}""".formatted(id, cause, Instant.now()));
        send(id, "byoc.cluster.validated.v2", """
                {"clusterId": "%s", "causeEventId": "%s", "checks": [], "completedAt": "%s"}""".formatted(id, cause, Instant.now()));
    }

    /** The statuses the monitor published for one cluster, in order. */
    private List<String> statuses(String id, Duration within, String... until) {
        List<ConsumerRecord<String, String>> records = kafka.read(EVENTS,
                r -> id.equals(r.key()) && "byoc.cluster.status-changed.v1".equals(KafkaTestClient.header(r, "ce_type")),
                found -> found.size() >= until.length && to(found.get(found.size() - 1)).equals(until[until.length - 1]),
                within);
        records.forEach(r -> assertThat(SchemaValidator.violations("byoc.cluster.status-changed.v1",
                Json.mapper().valueToTree(Json.read(r.value(), Object.class)))).isEmpty());
        return records.stream().map(MonitorTests::to).toList();
    }

    private static String to(ConsumerRecord<String, String> record) {
        return Json.mapper().valueToTree(Json.read(record.value(), Object.class)).path("to").asText();
    }

    @Test
    void aHealthyClusterGoesQueuedPendingRunningAndItsStateIsPublished() {
        String id = UUID.randomUUID().toString();
        eks("healthy-01", "ACTIVE");
        requested(id, "healthy-01", "healthy-01");
        validated(id);
        assertThat(statuses(id, Duration.ofSeconds(30), "queued", "pending", "running"))
                .containsExactly("queued", "pending", "running");
        var state = kafka.read("byoc.cluster-state", r -> id.equals(r.key()),
                found -> !found.isEmpty() && found.get(found.size() - 1).value().contains("\"running\""), Duration.ofSeconds(10));
        JsonNode last = Json.mapper().valueToTree(Json.read(state.get(state.size() - 1).value(), Object.class));
        assertThat(last.path("status").asText()).isEqualTo("running");
        assertThat(last.path("owner").asText()).isEqualTo(OWNER);
        // nothing derived from the owner's external ID rides the state topic (not even a hint)
        assertThat(last.has("externalIdHint")).isFalse();
        String issued = AwsStandIn.externalIdOf(OWNER);
        assertThat(state).allSatisfy(r -> assertThat(r.value()).doesNotContain(issued)
                .doesNotContain(issued.substring(issued.length() - 4)).doesNotContainIgnoringCase("externalId"));
        assertThat(SchemaValidator.violations("byoc.cluster-state.v1", last)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runningGauge()).isGreaterThanOrEqualTo(1));
        RestAssured.get(ready).then().statusCode(200)
                .body("checks.find { it.name == 'watch-list partitions assigned' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'watch-list partitions assigned' }.data.partitions", equalTo("[0, 1, 2]"));
    }

    /** byoc_monitor_clusters{status="running"} as Prometheus shows it (on the management port). */
    private double runningGauge() {
        return RestAssured.get(metrics).asString().lines()
                .filter(l -> l.startsWith("byoc_monitor_clusters{") && l.contains("status=\"running\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    @Test
    void creatingStaysPendingUntilActive() {
        String id = UUID.randomUUID().toString();
        eks("creating-01", "CREATING");
        requested(id, "creating-01", "creating-01");
        validated(id);
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending")).containsExactly("queued", "pending");
        List<ConsumerRecord<String, String>> observed = kafka.read(EVENTS,
                r -> id.equals(r.key()) && "byoc.cluster.health-observed.v1".equals(KafkaTestClient.header(r, "ce_type")),
                found -> !found.isEmpty(), Duration.ofSeconds(10));
        assertThat(observed.get(0).value()).contains("\"CREATING\"");
        eks("creating-01", "ACTIVE");
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending", "running"))
                .containsExactly("queued", "pending", "running");
    }

    @Test
    void healthDoesNotFlap() throws Exception {
        String id = UUID.randomUUID().toString();
        eks("flappy-01", "ACTIVE");
        requested(id, "flappy-01", "flappy-01");
        validated(id);
        statuses(id, Duration.ofSeconds(20), "queued", "pending", "running");

        // one bad observation between good ones: still running
        eks("flappy-01", "FAILED");
        awaitObservations(id, "FAILED", 1);
        eks("flappy-01", "ACTIVE");
        awaitObservations(id, "ACTIVE", 2);
        assertThat(statuses(id, Duration.ofSeconds(2), "running")).containsExactly("queued", "pending", "running");

        // two in a row: failed; then it needs three healthy ones to come back
        eks("flappy-01", "FAILED");
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending", "running", "failed"))
                .containsExactly("queued", "pending", "running", "failed");
        eks("flappy-01", "ACTIVE");
        // two healthy observations after the failure (four in all) are not enough to recover
        awaitObservations(id, "ACTIVE", 4);
        assertThat(statuses(id, Duration.ofSeconds(1), "failed")).last().isEqualTo("failed");
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending", "running", "failed", "running"))
                .containsExactly("queued", "pending", "running", "failed", "running");
    }

    private void awaitObservations(String id, String eksStatus, int atLeast) {
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.read(EVENTS,
                r -> id.equals(r.key()) && "byoc.cluster.health-observed.v1".equals(KafkaTestClient.header(r, "ce_type"))
                        && r.value().contains("\"" + eksStatus + "\""),
                found -> found.size() >= atLeast, Duration.ofSeconds(2)).size() >= atLeast);
    }

    @Test
    void aClusterThatFailedValidationStaysFailedWhateverEksSays() throws Exception {
        String id = UUID.randomUUID().toString();
        eks("invalid-01", "ACTIVE");
        requested(id, "invalid-01", "invalid-01");
        String cause = UUID.randomUUID().toString();
        send(id, "byoc.cluster.validation-started.v1", """
                {"clusterId": "%s", "causeEventId": "%s", "startedAt": "%s"}""".formatted(id, cause, Instant.now()));
        send(id, "byoc.cluster.validation-failed.v1", """
                {"clusterId": "%s", "causeEventId": "%s", "checks": [], "reason": "validation failed: s3-bucket: wrong region",
                 "completedAt": "%s"}""".formatted(id, cause, Instant.now()));
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending", "failed")).containsExactly("queued", "pending", "failed");
        Thread.sleep(4000); // four poll intervals in which an ACTIVE cluster would have been promoted
        assertThat(statuses(id, Duration.ofSeconds(1), "failed")).containsExactly("queued", "pending", "failed");
    }

    @Test
    void pendingTooLongTimesOut() {
        String id = UUID.randomUUID().toString();
        eks("slow-01", "CREATING");
        requested(id, "slow-01", "slow-01");
        validated(id);
        List<ConsumerRecord<String, String>> changes = kafka.read(EVENTS,
                r -> id.equals(r.key()) && "byoc.cluster.status-changed.v1".equals(KafkaTestClient.header(r, "ce_type")),
                found -> found.stream().anyMatch(r -> to(r).equals("failed")), Duration.ofSeconds(40));
        assertThat(changes.stream().map(MonitorTests::to).toList()).containsExactly("queued", "pending", "failed");
        assertThat(changes.get(2).value()).contains("provisioning timed out after 12s");
        assertThat(changes.stream().map(r -> Json.mapper().valueToTree(Json.read(r.value(), Object.class))
                .path("reasonCode").asText()).toList()).as("each change names its reason code")
                .containsExactly("requested", "validating", "provisioning-timeout");
    }

    @Test
    void terminatingEndsDeletedWithATombstone() {
        String id = UUID.randomUUID().toString();
        eks("gone-01", "ACTIVE");
        requested(id, "gone-01", "gone-01");
        validated(id);
        statuses(id, Duration.ofSeconds(20), "queued", "pending", "running");
        send(id, "byoc.cluster.deleted.v2", """
                {"clusterId": "%s", "name": "gone-01", "owner": "%s", "spec": %s, "force": false, "deletedAt": "%s"}"""
                .formatted(id, OWNER, spec("gone-01"), Instant.now()));
        send(id, "byoc.cluster.teardown-completed.v1", """
                {"clusterId": "%s", "causeEventId": "%s", "removed": [], "leftBehind": [], "hint": "terraform destroy",
                 "completedAt": "%s"}""".formatted(id, UUID.randomUUID(), Instant.now()));
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending", "running", "terminating", "deleted"))
                .containsExactly("queued", "pending", "running", "terminating", "deleted");
        var state = kafka.read("byoc.cluster-state", r -> id.equals(r.key()),
                found -> !found.isEmpty() && found.get(found.size() - 1).value() == null, Duration.ofSeconds(10));
        assertThat(state.get(state.size() - 1).value()).as("tombstone").isNull();
    }

    @Test
    void duplicateDeliveryPublishesNoDuplicateStatusChange() throws Exception {
        String id = UUID.randomUUID().toString();
        String requestedId = UUID.randomUUID().toString();
        String data = """
                {"clusterId": "%s", "name": "dup-01", "owner": "%s", "spec": %s, "requestedAt": "%s"}"""
                .formatted(id, OWNER, spec("dup-01"), Instant.now());
        send(id, requestedId, "byoc.cluster.requested.v2", data);
        send(id, requestedId, "byoc.cluster.requested.v2", data);
        Thread.sleep(3000);
        List<String> statuses = new ArrayList<>(statuses(id, Duration.ofSeconds(3), "queued"));
        assertThat(statuses).containsExactly("queued");
    }

    @Test
    void everyAdminEndpointRefusesCallsWithoutTheAdminKey() {
        int liveVersion = admin().get(WATCH_LIST_ADMIN).then().statusCode(200).body("state", equalTo("live"))
                .extract().path("liveVersion");
        record Call(String method, String path) {
        }
        List<Call> calls = List.of(new Call("GET", "/api/v1/watch"), new Call("GET", WATCH_LIST_ADMIN),
                new Call("POST", WATCH_LIST_ADMIN + "/rebuild"));
        for (Call call : calls) {
            for (String authorization : new String[] {null, "Bearer wrong-key", "Bearer " + ADMIN_KEY + "x",
                    "Basic " + ADMIN_KEY, ADMIN_KEY}) {
                RequestSpecification request = RestAssured.given();
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                var response = request.request(call.method(), call.path());
                String what = call.method() + " " + call.path() + " with " + authorization;
                assertThat(response.statusCode()).as(what).isEqualTo(401);
                assertThat(response.contentType()).as(what).startsWith("application/problem+json");
                assertThat(response.header("WWW-Authenticate")).as(what).isEqualTo("Bearer");
                assertThat(response.jsonPath().getInt("status")).as(what).isEqualTo(401);
                assertThat(response.jsonPath().getString("title")).as(what).isEqualTo("Unauthorized");
            }
        }
        // the refused rebuilds started nothing
        admin().get(WATCH_LIST_ADMIN).then().statusCode(200).body("state", equalTo("live"))
                .body("liveVersion", equalTo(liveVersion));
        // with the key: the watch list (which shows no spec and nothing of any external ID) and the progress
        String watch = admin().get("/api/v1/watch").then().statusCode(200).contentType("application/json")
                .body("partitions", org.hamcrest.Matchers.notNullValue()).extract().asString();
        assertThat(watch).doesNotContain(AwsStandIn.externalIdOf(OWNER)).doesNotContainIgnoringCase("externalId");
        admin().get(WATCH_LIST_ADMIN).then().statusCode(200).body("liveVersion", equalTo(liveVersion));
        // (POST …/rebuild with the key answers 202: rebuildingTheWatchListReproducesItExactly)
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortOnly() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            assertThat(RestAssured.get(path).statusCode()).as("public port %s", path).isEqualTo(404);
        }
        assertThat(health.getPort()).isNotEqualTo(RestAssured.port);
        assertThat(health.getPath()).isEqualTo("/q/health");
        assertThat(metrics.getPath()).isEqualTo("/q/metrics");
        RestAssured.get(health).then().statusCode(200).body("status", equalTo("UP"));
        // the replica's own readiness check lives there too
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> RestAssured.get(ready).then().statusCode(200)
                .body("checks.find { it.name == 'watch-list partitions assigned' }.status", equalTo("UP")));
        assertThat(RestAssured.get(metrics).then().statusCode(200).extract().asString()).contains("byoc_monitor_clusters{");
    }

    /**
     * A legacy v1 cluster (the registry before issue 11 put the customer's external ID in the spec):
     * still folded, its external ID ignored — the monitor assumes the role with the owner's issued ID —
     * and the stored spec keeps none.
     */
    @Test
    void aLegacyV1ClusterIsFoldedAndPolledWithTheOwnersIssuedIdNotTheOneItCarries() throws Exception {
        String id = UUID.randomUUID().toString();
        String carried = "customer-chosen-external-id-7f3a";
        eks("legacy-01", "ACTIVE");
        send(id, "byoc.cluster.requested.v1", """
                {"clusterId": "%s", "name": "legacy-01", "owner": "%s", "spec": %s, "requestedAt": "%s"}"""
                .formatted(id, OWNER, v1Spec("legacy-01", carried), Instant.now()));
        validated(id);
        assertThat(statuses(id, Duration.ofSeconds(30), "queued", "pending", "running"))
                .containsExactly("queued", "pending", "running");

        String spec = liveSpec(id);
        assertThat(spec).contains(AwsStandIn.ROLE_ARN).contains("legacy-01").doesNotContain("externalId").doesNotContain(carried);
        List<String> assumeRoles = assumeRoleBodies(id);
        assertThat(assumeRoles).isNotEmpty().allSatisfy(body -> assertThat(body)
                .contains("ExternalId=" + AwsStandIn.externalIdOf(OWNER)).doesNotContain(carried));

        send(id, "byoc.cluster.deleted.v1", """
                {"clusterId": "%s", "name": "legacy-01", "owner": "%s", "spec": %s, "force": false, "deletedAt": "%s"}"""
                .formatted(id, OWNER, v1Spec("legacy-01", carried), Instant.now()));
        assertThat(statuses(id, Duration.ofSeconds(20), "queued", "pending", "running", "terminating"))
                .containsExactly("queued", "pending", "running", "terminating");
        assertThat(liveSpec(id)).doesNotContain("externalId").doesNotContain(carried);
        var state = kafka.read("byoc.cluster-state", r -> id.equals(r.key()),
                found -> !found.isEmpty() && found.get(found.size() - 1).value().contains("\"terminating\""), Duration.ofSeconds(10));
        assertThat(state).allSatisfy(r -> assertThat(r.value()).doesNotContain(carried).doesNotContainIgnoringCase("externalId"));
    }

    /**
     * The role is assumed with the ID issued to the cluster's owner, so a cluster of user B naming
     * user A's role cannot be watched through it (the stand-in's trust policy refuses B's ID), while
     * B's own role works.
     */
    @Test
    void theRoleIsAssumedWithTheIdIssuedToTheClustersOwnerOnly() {
        String own = UUID.randomUUID().toString();
        String foreign = UUID.randomUUID().toString();
        eks("bob-own", "ACTIVE");
        eks("bob-foreign", "ACTIVE");
        requested(own, "bob-own", AwsStandIn.SECOND_OWNER, spec(AwsStandIn.SECOND_ROLE_ARN, "bob-own"));
        requested(foreign, "bob-foreign", AwsStandIn.SECOND_OWNER, spec(AwsStandIn.ROLE_ARN, "bob-foreign"));
        validated(own);
        validated(foreign);
        assertThat(statuses(own, Duration.ofSeconds(30), "queued", "pending", "running"))
                .containsExactly("queued", "pending", "running");
        List<ConsumerRecord<String, String>> changes = kafka.read(EVENTS,
                r -> foreign.equals(r.key()) && "byoc.cluster.status-changed.v1".equals(KafkaTestClient.header(r, "ce_type")),
                found -> found.stream().anyMatch(r -> to(r).equals("failed")), Duration.ofSeconds(30));
        assertThat(changes.stream().map(MonitorTests::to).toList()).containsExactly("queued", "pending", "failed");
        assertThat(changes.get(2).value()).contains("the platform can no longer assume the role")
                .contains(AwsStandIn.ROLE_ARN).contains("AccessDenied");

        String bobs = AwsStandIn.externalIdOf(AwsStandIn.SECOND_OWNER);
        String admins = AwsStandIn.externalIdOf(OWNER);
        for (String id : List.of(own, foreign)) {
            assertThat(assumeRoleBodies(id)).isNotEmpty().allSatisfy(body ->
                    assertThat(body).contains("ExternalId=" + bobs).doesNotContain(admins));
        }
        // no event the monitor published for either cluster names an external ID
        assertThat(kafka.read(EVENTS, r -> own.equals(r.key()) || foreign.equals(r.key()), found -> false, Duration.ofSeconds(2)))
                .allSatisfy(r -> assertThat(r.value()).doesNotContain(bobs).doesNotContain(admins));
    }

    /**
     * The platform's own STS trouble — throttling past the SDK's retries, its own credentials
     * expired — when the monitor needs a session is not the customer's: the cluster is not observed
     * (no health-observed, no status change), operators see {@code byoc_platform_faults_total}, the
     * next poll asks STS again, and once STS answers polling goes on. Session names stay within
     * STS's 64 characters.
     */
    @Test
    void thePlatformsOwnStsTroubleNeverFailsACustomersCluster() throws Exception {
        String throttled = UUID.randomUUID().toString();
        String expired = UUID.randomUUID().toString();
        eks("sts-throttled", "ACTIVE");
        eks("sts-expired", "ACTIVE");
        var stubs = List.of(stsError(throttled, 400, "Throttling", "Rate exceeded"),
                stsError(expired, 403, "ExpiredToken", "The security token included in the request is expired"));
        try {
            requested(throttled, "sts-throttled", "sts-throttled");
            requested(expired, "sts-expired", "sts-expired");
            validated(throttled);
            validated(expired);
            // every poll asks STS again: a failed AssumeRole leaves no session behind
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(40)).until(() ->
                    assumeRoleBodies(throttled).size() >= 4 && assumeRoleBodies(expired).size() >= 4);
            // each fault is counted once the SDK gave up on its call: wait for both codes, not the first one counted
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> RestAssured.get(metrics).asString()
                    .lines().filter(l -> l.startsWith("byoc_platform_faults_total"))
                    .anyMatch(l -> l.contains("code=\"ExpiredToken\"")) && RestAssured.get(metrics).asString().lines()
                    .filter(l -> l.startsWith("byoc_platform_faults_total")).anyMatch(l -> l.contains("code=\"Throttling\"")));
            String scraped = RestAssured.get(metrics).asString();
            assertThat(scraped).contains("code=\"Throttling\"");
        } finally {
            stubs.forEach(aws.server()::removeStub);
        }
        assertThat(statuses(throttled, Duration.ofSeconds(30), "queued", "pending", "running")).endsWith("running");
        assertThat(statuses(expired, Duration.ofSeconds(30), "queued", "pending", "running")).endsWith("running");
        for (String id : List.of(throttled, expired)) {
            var facts = kafka.read(EVENTS, r -> id.equals(r.key()), found -> false, Duration.ofSeconds(3));
            assertThat(facts).as("nothing but running was ever said of %s", id)
                    .noneMatch(r -> r.value().contains("ROLE_NOT_ASSUMABLE") || r.value().contains("\"to\": \"failed\"")
                            || r.value().contains("\"to\":\"failed\""));
            assertThat(assumeRoleBodies(id)).allSatisfy(body -> {
                String session = java.net.URLDecoder.decode(body.replaceAll(".*RoleSessionName=([^&]*).*", "$1"),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(session).hasSizeLessThanOrEqualTo(64).endsWith(id).matches("[\\w+=,.@-]+");
            });
        }
    }

    /**
     * A watched cluster's session is reused from poll to poll (one AssumeRole, not one per poll),
     * until EKS refuses it: then the next poll assumes the role again.
     */
    @Test
    void aSessionIsReusedAcrossPollsUntilEksRefusesIt() {
        String id = UUID.randomUUID().toString();
        eks("session-reuse", "ACTIVE");
        requested(id, "session-reuse", "session-reuse");
        validated(id);
        assertThat(statuses(id, Duration.ofSeconds(30), "queued", "pending", "running")).endsWith("running");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> describeCalls("session-reuse") >= 5);
        assertThat(assumeRoleBodies(id)).as("one session for five polls").hasSize(1);

        StubMapping refused = aws.server().stubFor(get(urlPathEqualTo("/clusters/session-reuse")).atPriority(1)
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withHeader("x-amzn-ErrorType", "AccessDeniedException")
                        .withBody("{\"message\": \"the session was revoked\"}")));
        try {
            int polls = describeCalls("session-reuse");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> describeCalls("session-reuse") >= polls + 2);
            assertThat(assumeRoleBodies(id)).as("a new session after EKS refused the old one").hasSizeGreaterThanOrEqualTo(2);
        } finally {
            aws.server().removeStub(refused);
        }
    }

    private int describeCalls(String eksName) {
        return aws.server().findAll(getRequestedFor(urlPathEqualTo("/clusters/" + eksName))).size();
    }

    /**
     * The window between the fold's commit and its publish: a replica that crashed there left its
     * announcements in the table. The relay publishes them (same ids, in order) and removes them.
     */
    @Test
    void announcementsACrashLeftBehindArePublishedInOrderAndRemoved() throws Exception {
        UUID cluster = UUID.randomUUID();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        Instant at = Instant.now();
        try (Connection c = dataSource.getConnection(); var insert = c.prepareStatement("insert into monitor.announcements "
                + "(cluster_id, topic, event_id, type, payload, event_time, created_at) values (?, 'events', ?, "
                + "'byoc.cluster.status-changed.v1', ?, now(), now() - interval '1 minute')")) {
            for (String[] change : new String[][] {{first, "null", "\"queued\"", "requested"}, {second, "\"queued\"",
                    "\"pending\"", "validating"}}) {
                insert.setObject(1, cluster);
                insert.setString(2, change[0]);
                insert.setString(3, """
                        {"clusterId": "%s", "name": "left-behind", "from": %s, "to": %s, "reason": "r", "reasonCode": "%s",
                         "causeEventId": "%s", "observedAt": "%s"}""".formatted(cluster, change[1], change[2], change[3],
                        UUID.randomUUID(), at));
                insert.executeUpdate();
            }
        }
        List<ConsumerRecord<String, String>> published = kafka.read(EVENTS, r -> cluster.toString().equals(r.key()),
                found -> found.size() >= 2, Duration.ofSeconds(20));
        assertThat(published).extracting(r -> KafkaTestClient.header(r, "ce_id")).containsExactly(first, second);
        assertThat(published).extracting(r -> KafkaTestClient.header(r, "ce_source")).containsOnly(Publisher.SOURCE);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = dataSource.getConnection(); var q = c.prepareStatement(
                    "select count(*) from monitor.announcements where cluster_id = ?")) {
                q.setObject(1, cluster);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    return r.getLong(1) == 0;
                }
            }
        });
    }

    /** STS answers this cluster's AssumeRole calls with an error until the stub is removed. */
    private StubMapping stsError(String clusterId, int status, String code, String message) {
        return aws.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/")).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("Action=AssumeRole"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("-" + clusterId))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody("""
                        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
                        <Code>%s</Code><Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"""
                        .formatted(code, message))));
    }

    /** The bodies of the AssumeRole calls whose session name is this cluster's (byoc-mon-<replica>-<id>). */
    private List<String> assumeRoleBodies(String clusterId) {
        return aws.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("Action=AssumeRole"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("-" + clusterId)))
                .stream().map(r -> r.getBodyAsString()).toList();
    }

    /** The stored spec of a cluster in the live watch list. */
    private String liveSpec(String clusterId) throws SQLException {
        try (Connection c = dataSource.getConnection(); var s = c.prepareStatement("select w.spec::text from monitor.watch_list w "
                + "join monitor.projections p on p.name = 'watch-list' and w.version = p.live_version where w.cluster_id = ?")) {
            s.setObject(1, UUID.fromString(clusterId));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("cluster %s in the live watch list", clusterId).isTrue();
                return r.getString(1);
            }
        }
    }

    /**
     * V3 removes the external ID that rows folded from v1 events stored (as before this release the
     * code wrote it): applied at start-up, and doing what it says on such a row.
     */
    @Test
    void theMigrationLeavesNoPlaintextExternalIdInTheWatchList() throws Exception {
        String migration = new String(getClass().getResourceAsStream("/db/migration/V3__no_external_id_in_watch_list.sql")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        UUID legacy = UUID.randomUUID();
        int version = 9_999; // a version no projection serves
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("select success from monitor.flyway_schema_history where version = '3'")) {
                assertThat(r.next()).as("V3 applied at start-up").isTrue();
                assertThat(r.getBoolean(1)).isTrue();
            }
            try (var insert = c.prepareStatement("insert into monitor.watch_list (version, cluster_id, name, owner, "
                    + "kafka_partition, state, spec, status, status_since, last_offset) values (?, ?, 'legacy-row', ?, 0, "
                    + "'{}'::jsonb, ?::jsonb, 'running', now(), 0)")) {
                insert.setInt(1, version);
                insert.setObject(2, legacy);
                insert.setString(3, OWNER);
                insert.setString(4, v1Spec("legacy-row", "customer-chosen-external-id-0042"));
                insert.executeUpdate();
            }
            try {
                s.execute(migration);
                try (ResultSet r = s.executeQuery("select spec::text from monitor.watch_list where cluster_id = '" + legacy + "'")) {
                    r.next();
                    JsonNode spec = Json.mapper().readTree(r.getString(1));
                    assertThat(spec.has("externalId")).isFalse();
                    assertThat(spec.path("roleArn").asText()).isEqualTo(AwsStandIn.ROLE_ARN);
                    assertThat(spec.path("eksClusterName").asText()).isEqualTo("legacy-row");
                }
            } finally {
                s.execute("delete from monitor.watch_list where cluster_id = '" + legacy + "'");
            }
            try (ResultSet r = s.executeQuery("select count(*) from monitor.watch_list where spec -> 'externalId' is not null")) {
                r.next();
                assertThat(r.getInt(1)).as("rows carrying an external ID").isZero();
            }
        }
    }

    /**
     * After the rebuild test: a cluster whose events sit on two partitions has no order between
     * them, so no replay can promise the live result for it — which is why it is reported.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void anEventOnAnotherPartitionThanItsClustersIsReported() {
        String id = UUID.randomUUID().toString();
        requested(id, "moved-01", "moved-01");
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(id, Duration.ofSeconds(1), "queued").size() == 1);
        double before = counter("byoc_monitor_partition_moves_total");
        int home = kafka.read(EVENTS, r -> id.equals(r.key()), found -> !found.isEmpty(), Duration.ofSeconds(5))
                .get(0).partition();
        // what a kcat producer with librdkafka's default partitioner does with the same key
        kafka.produce(EVENTS, (home + 1) % 3, id, """
                {"clusterId": "%s", "eksStatus": "ACTIVE", "healthy": true, "detail": "elsewhere", "observedAt": "%s"}"""
                .formatted(id, Instant.now()), KafkaTestClient.cloudEvent(UUID.randomUUID().toString(),
                "byoc.cluster.health-observed.v1", id));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(counter("byoc_monitor_partition_moves_total")).isEqualTo(before + 1));
    }

    private double counter(String name) {
        return RestAssured.get(metrics).asString().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void health(String id, String eksStatus) {
        send(id, "byoc.cluster.health-observed.v1", """
                {"clusterId": "%s", "eksStatus": "%s", "healthy": %s, "detail": "test says %s", "observedAt": "%s"}"""
                .formatted(id, eksStatus, eksStatus.equals("ACTIVE"), eksStatus, Instant.now()));
    }

    private void deleted(String id, String name) {
        send(id, "byoc.cluster.deleted.v2", """
                {"clusterId": "%s", "name": "%s", "owner": "%s", "spec": %s, "force": false, "deletedAt": "%s"}"""
                .formatted(id, name, OWNER, spec(name), Instant.now()));
        send(id, "byoc.cluster.teardown-completed.v1", """
                {"clusterId": "%s", "causeEventId": "%s", "removed": [], "leftBehind": [], "hint": "terraform destroy",
                 "completedAt": "%s"}""".formatted(id, UUID.randomUUID(), Instant.now()));
    }

    /**
     * Runs (nearly) last, over every cluster the other tests left plus its own: flapping observations, a
     * provisioning timeout, deletions, a duplicate. The rebuilt watch list equals the live one row
     * for row, the rebuild announces nothing, and live folding carries on against the new version.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void rebuildingTheWatchListReproducesItExactly() throws Exception {
        String slow = UUID.randomUUID().toString();
        eks("rebuild-slow", "CREATING");
        requested(slow, "rebuild-slow", "rebuild-slow");
        validated(slow);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            eks("rebuild-" + i, "ACTIVE");
            requested(id, "rebuild-" + i, "rebuild-" + i);
            validated(id);
        }
        for (int round = 0; round < 15; round++) {
            for (int i = 0; i < ids.size(); i++) {
                health(ids.get(i), (i + round) % 4 == 0 || (i + round) % 5 == 0 ? "FAILED" : "ACTIVE");
            }
        }
        deleted(ids.get(0), "rebuild-0");
        deleted(ids.get(1), "rebuild-1");
        String duplicate = UUID.randomUUID().toString();
        String data = """
                {"clusterId": "%s", "name": "rebuild-dup", "owner": "%s", "spec": %s, "requestedAt": "%s"}"""
                .formatted(duplicate, OWNER, spec("rebuild-dup"), Instant.now());
        send(duplicate, duplicate, "byoc.cluster.requested.v2", data);
        send(duplicate, duplicate, "byoc.cluster.requested.v2", data);
        assertThat(statuses(slow, Duration.ofSeconds(40), "queued", "pending", "failed")).last().isEqualTo("failed");

        List<String> live = quietSnapshot();
        assertThat(live).hasSizeGreaterThanOrEqualTo(14);
        assertThat(live).anySatisfy(row -> assertThat(row).contains("rebuild-slow").contains("provisioning timed out"));
        int statusChanges = statusChangesOnTheTopic();
        int before = admin().get(WATCH_LIST_ADMIN).then().statusCode(200).body("state", equalTo("live"))
                .extract().path("liveVersion");

        admin().post(WATCH_LIST_ADMIN + "/rebuild").then().statusCode(202);
        // live events while the rebuild runs: announced by the live path, whichever version they land in
        deleted(ids.get(2), "rebuild-2");
        deleted(ids.get(3), "rebuild-3");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> admin().get(WATCH_LIST_ADMIN).then()
                .body("state", equalTo("live")).body("liveVersion", equalTo(before + 1)));
        System.out.println("watch-list rebuild: " + admin().get(WATCH_LIST_ADMIN).asString());
        assertThat(admin().get(WATCH_LIST_ADMIN).then().extract().<Integer>path("eventsApplied")).isGreaterThan(250);

        for (String id : List.of(ids.get(2), ids.get(3))) {
            assertThat(statuses(id, Duration.ofSeconds(20), "deleted")).endsWith("terminating", "deleted")
                    .containsOnlyOnce("terminating", "deleted");
        }
        List<String> rebuilt = quietSnapshot();
        assertThat(without(rebuilt, ids.get(2), ids.get(3))).containsExactlyElementsOf(without(live, ids.get(2), ids.get(3)));
        assertThat(rebuilt).anySatisfy(row -> assertThat(row).startsWith(ids.get(3)).contains("|deleted|"));
        assertThat(statusChangesOnTheTopic()).as("the rebuild announced nothing; the two deletions twice each")
                .isEqualTo(statusChanges + 4);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from monitor.watch_list where version = " + before)) {
            r.next();
            assertThat(r.getInt(1)).as("the old version is dropped").isZero();
        }

        // and live folding carries on against the new version
        deleted(ids.get(4), "rebuild-4");
        assertThat(statuses(ids.get(4), Duration.ofSeconds(20), "deleted")).endsWith("terminating", "deleted")
                .containsOnlyOnce("terminating", "deleted");
    }

    private static List<String> without(List<String> rows, String... clusterIds) {
        return rows.stream().filter(row -> java.util.Arrays.stream(clusterIds).noneMatch(row::startsWith)).toList();
    }

    private int statusChangesOnTheTopic() {
        return kafka.read(EVENTS, r -> "byoc.cluster.status-changed.v1".equals(KafkaTestClient.header(r, "ce_type")),
                found -> false, Duration.ofSeconds(3)).size();
    }

    /** The live rows once nothing has changed for three seconds (polls settle after the flapping). */
    private List<String> quietSnapshot() throws Exception {
        List<String> previous = snapshot();
        for (int i = 0; i < 20; i++) {
            Thread.sleep(3000);
            List<String> current = snapshot();
            if (current.equals(previous)) {
                return current;
            }
            previous = current;
        }
        throw new AssertionError("the watch list never settled");
    }

    /** Every live row, without its version, in a stable order. */
    private List<String> snapshot() throws SQLException {
        return Rows.liveVersion(dataSource, "monitor", "watch_list", "watch-list",
                "cluster_id, name, owner, kafka_partition, state::text, spec::text, status, status_since, "
                        + "last_observation, last_event_id, last_offset");
    }
}
