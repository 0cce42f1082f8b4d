package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Outbox without head-of-line blocking (issue #14 item 3): a row the broker will never take is
 * parked with its reason and the fleet's events keep flowing; that cluster's later rows wait
 * behind it (its order holds) until an admin releases it.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class OutboxParkingTests {
    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    @Test
    void aRowTheBrokerRefusesIsParkedAndStallsOnlyItsOwnCluster() throws Exception {
        UUID stuck = UUID.randomUUID();
        UUID stuckEvent = UUID.randomUUID();
        UUID behindEvent = UUID.randomUUID();
        // 2 MiB: over the producer's max.request.size (1 MiB), so Kafka can never take it
        insert(stuckEvent, stuck, "{\"clusterId\": \"" + stuck + "\", \"pad\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        insert(behindEvent, stuck, "{\"clusterId\": \"" + stuck + "\"}");

        String name = ClusterApiTests.unique("after-parked");
        String id = ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body(Specs.grid(name))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        assertThat(KafkaTestClient.shared().read("byoc.cluster-events", r -> id.equals(r.key()), found -> !found.isEmpty(),
                Duration.ofSeconds(30))).as("the fleet keeps moving past the parked row").hasSize(1);

        ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/admin/outbox/parked").then().statusCode(200)
                .body("items.eventId", hasItem(stuckEvent.toString()))
                .body("items.find { it.eventId == '" + stuckEvent + "' }.reason",
                        org.hamcrest.Matchers.containsString("RecordTooLarge"));
        assertThat(KafkaTestClient.shared().read("byoc.cluster-events", r -> stuck.toString().equals(r.key()),
                found -> false, Duration.ofSeconds(3))).as("the stuck cluster's later row waits behind it").isEmpty();
        assertThat(sentAt(behindEvent)).isNull();

        // only admins see it; releasing a row that is not parked is a 404
        ClusterApiTests.as(ClusterApiTests.newUserKey()).get("/api/v1/admin/outbox/parked").then().statusCode(403);
        ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/admin/outbox/parked/999999999/retry").then().statusCode(404);
    }

    private void insert(UUID eventId, UUID clusterId, String payload) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "insert into outbox (event_id, cluster_id, type, payload) values (?, ?, 'byoc.cluster.updated.v2', ?)")) {
            s.setObject(1, eventId);
            s.setObject(2, clusterId);
            s.setString(3, payload);
            s.executeUpdate();
        }
    }

    private Object sentAt(UUID eventId) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("select sent_at from outbox where event_id = ?")) {
            s.setObject(1, eventId);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getObject(1);
            }
        }
    }
}
