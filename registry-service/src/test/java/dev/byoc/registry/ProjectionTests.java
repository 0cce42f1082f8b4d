package dev.byoc.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The cluster view as a projection of byoc.cluster-events, fed by a plain Kafka producer (no code
 * of ours on the producing side): bad records go to the DLQ with a reason and the partition keeps
 * moving; duplicates change nothing.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class ProjectionTests {
    static final String ADMIN = ClusterApiTests.ADMIN;
    static final String EVENTS = "byoc.cluster-events";

    final KafkaTestClient kafka = KafkaTestClient.shared();

    /** Registers and waits until the requested event came back through Kafka into the projection. */
    private String register(String name) {
        String id = given().auth().oauth2(ADMIN).contentType("application/json").body(Specs.grid(name))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name + "/history").then().body("type", org.hamcrest.Matchers.hasItem(
                        "byoc.cluster.requested.v2")));
        return id;
    }

    private String statusChanged(String id, String name, String from, String to, String reason) {
        return statusChanged(id, name, from, to, reason, null);
    }

    private String statusChanged(String id, String name, String from, String to, String reason, String reasonCode) {
        return """
                {"clusterId": "%s", "name": "%s", "from": %s, "to": "%s", "reason": %s,%s
                 "causeEventId": "%s", "observedAt": "%s"}""".formatted(id, name, from == null ? "null" : "\"" + from + "\"",
                to, reason == null ? "null" : "\"" + reason + "\"",
                reasonCode == null ? "" : " \"reasonCode\": \"" + reasonCode + "\",", UUID.randomUUID(), Instant.now());
    }

    @Test
    void badRecordsAreDeadLetteredAndTheRecordBehindThemIsApplied() {
        String name = ClusterApiTests.unique("dlq");
        String id = register(name);
        String type = "byoc.cluster.status-changed.v1";

        kafka.produce(EVENTS, id, "{not json", KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));
        kafka.produce(EVENTS, id, "{}", KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), "com.example.other.v1", id));
        kafka.produce(EVENTS, id, "{\"clusterId\": \"" + id + "\", \"to\": \"sleeping\"}",
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));
        Map<String, String> noId = new HashMap<>(KafkaTestClient.cloudEvent("x", type, id));
        noId.remove("ce_id");
        kafka.produce(EVENTS, id, statusChanged(id, name, "queued", "pending", null), noId);
        kafka.produce(EVENTS, id, statusChanged(id, name, "queued", "failed", "from the future"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), "byoc.cluster.status-changed.v2", id));
        kafka.produce(EVENTS, id, statusChanged(id, name, "queued", "pending", "validating"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name).then().body("status", equalTo("pending")).body("reason", equalTo("validating")));

        var dead = kafka.read("byoc.cluster-events.dlq", r -> id.equals(r.key()), found -> found.size() >= 4, Duration.ofSeconds(20));
        assertThat(dead).extracting(r -> KafkaTestClient.header(r, "dead-letter-reason"))
                .anySatisfy(reason -> assertThat(reason).contains("not valid JSON"))
                .anySatisfy(reason -> assertThat(reason).contains("unknown ce_type com.example.other.v1"))
                .anySatisfy(reason -> assertThat(reason).contains("schema byoc.cluster.status-changed.v1"))
                .anySatisfy(reason -> assertThat(reason).contains("missing CloudEvents header ce_id"));
        assertThat(dead).allSatisfy(r -> assertThat(KafkaTestClient.header(r, "ce_source"))
                .isIn("/tests", dev.byoc.contracts.Producers.MONITOR));
        assertThat(dead).noneSatisfy(r -> assertThat(KafkaTestClient.header(r, "ce_type")).isEqualTo("byoc.cluster.status-changed.v2"));
    }

    /**
     * A value no row can hold (a NUL byte, which jsonb refuses) fails the whole batch's
     * transaction; the batch is then applied one record at a time, so only that record is
     * dead-lettered and the one behind it, in the same poll, still lands.
     */
    @Test
    void aRecordNoRowCanHoldIsDeadLetteredAloneFromItsBatch() {
        String name = ClusterApiTests.unique("nul");
        String id = register(name);
        String type = "byoc.cluster.status-changed.v1";
        String nulId = UUID.randomUUID().toString();
        kafka.produce(EVENTS, id, statusChanged(id, name, "queued", "pending", "valid\\u0000ating"),
                KafkaTestClient.cloudEvent(nulId, type, id));
        kafka.produce(EVENTS, id, statusChanged(id, name, "queued", "pending", "validating"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name).then().body("status", equalTo("pending")).body("reason", equalTo("validating")));
        var dead = kafka.read("byoc.cluster-events.dlq", r -> id.equals(r.key()), found -> !found.isEmpty(), Duration.ofSeconds(20));
        assertThat(dead).singleElement().satisfies(r -> assertThat(KafkaTestClient.header(r, "ce_id")).isEqualTo(nulId));
        given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + name + "/history").then().statusCode(200)
                .body("findAll { it.id == '" + nulId + "' }", hasSize(0)).body("type", hasSize(2));
    }

    @Test
    void theSameEventTwiceIsAppliedOnce() {
        String name = ClusterApiTests.unique("twice");
        String id = register(name);
        String eventId = UUID.randomUUID().toString();
        String running = statusChanged(id, name, "pending", "running", "EKS cluster is ACTIVE", "eks-active");
        String type = "byoc.cluster.status-changed.v1";
        kafka.produce(EVENTS, id, running, KafkaTestClient.cloudEvent(eventId, type, id));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name).then().body("status", equalTo("running"))
                .body("reasonCode", equalTo("eks-active")));

        // the same event again under a new offset, then a later fact: only the later fact changes anything
        kafka.produce(EVENTS, id, running, KafkaTestClient.cloudEvent(eventId, type, id));
        kafka.produce(EVENTS, id, statusChanged(id, name, "running", "failed", "EKS reports FAILED"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name).then().body("status", equalTo("failed")));

        List<String> types = given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + name + "/history")
                .then().statusCode(200).body("findAll { it.id == '" + eventId + "' }", hasSize(1))
                .extract().path("type");
        assertThat(types).first().isEqualTo("byoc.cluster.requested.v2");
        assertThat(types).filteredOn("byoc.cluster.status-changed.v1"::equals).hasSize(2);
        given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + name + "/history")
                .then().body("[0].data.spec.externalId", org.hamcrest.Matchers.nullValue()).body("[0].data.spec.roleArn", equalTo(AwsStandIn.ROLE_ARN));
    }

    /**
     * History comes a page at a time: following {@code Link rel="next"} from limit=2 gives every
     * event once, in the order of one unpaginated read; a bad limit or cursor is a 400 naming it.
     */
    @Test
    void historyPagesFollowTheLogWithoutGapsOrRepeats() {
        String name = ClusterApiTests.unique("paged");
        String id = register(name);
        String type = "byoc.cluster.status-changed.v1";
        kafka.produce(EVENTS, id, statusChanged(id, name, "queued", "pending", "validating"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));
        kafka.produce(EVENTS, id, statusChanged(id, name, "pending", "running", "EKS cluster is ACTIVE", "eks-active"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));
        kafka.produce(EVENTS, id, statusChanged(id, name, "running", "failed", "EKS reports FAILED"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name + "/history").then().body("size()", equalTo(4)));
        List<String> all = given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + name + "/history").then().extract().path("id");

        List<String> paged = new java.util.ArrayList<>();
        String next = "/api/v1/clusters/" + name + "/history?limit=2";
        int pages = 0;
        while (next != null) {
            var answer = given().auth().oauth2(ADMIN).urlEncodingEnabled(false).get(next).then().statusCode(200).extract();
            List<String> ids = answer.path("id");
            assertThat(ids).hasSizeLessThanOrEqualTo(2);
            paged.addAll(ids);
            pages++;
            String link = answer.header("Link");
            next = link == null ? null : link.replaceAll("^<([^>]+)>.*rel=\"next\".*$", "$1");
        }
        assertThat(paged).containsExactlyElementsOf(all);
        assertThat(pages).isEqualTo(2);

        given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + name + "/history?limit=0").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].path", equalTo("limit"));
        given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + name + "/history?after=x-y").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].path", equalTo("after"));
    }

    @Test
    void reachingDeletedFreesTheName() {
        String name = ClusterApiTests.unique("freed");
        String id = register(name);
        given().auth().oauth2(ADMIN).delete("/api/v1/clusters/" + name).then().statusCode(202);
        given().auth().oauth2(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters")
                .then().statusCode(409);
        kafka.produce(EVENTS, id, statusChanged(id, name, "terminating", "deleted", "teardown completed"),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), "byoc.cluster.status-changed.v1", id));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + name).then().body("status", equalTo("deleted")));
        given().auth().oauth2(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters")
                .then().statusCode(201);
    }
}
