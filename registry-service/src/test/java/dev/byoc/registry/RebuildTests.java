package dev.byoc.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import dev.byoc.testsupport.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rebuilding the cluster view from offset 0 gives exactly the state live consumption gave. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class RebuildTests {
    static final String ADMIN = ClusterApiTests.ADMIN;
    static final String[] STATUSES = {"pending", "running", "failed", "running", "pending"};

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aRebuildReproducesTheLiveViewRowForRow() throws Exception {
        KafkaTestClient kafka = KafkaTestClient.shared();
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = ClusterApiTests.unique("rb" + i);
            names.add(name);
            ids.add(given().auth().oauth2(ADMIN).contentType("application/json").body(Specs.grid(name))
                    .post("/api/v1/clusters").then().statusCode(201).extract().path("id"));
        }
        for (String name : names) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                    .get("/api/v1/clusters/" + name + "/history").then().body("size()", equalTo(1)));
        }
        String lastEvent = null;
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                lastEvent = UUID.randomUUID().toString();
                String to = STATUSES[(round + i) % STATUSES.length];
                String data = """
                        {"clusterId": "%s", "name": "%s", "from": null, "to": "%s", "reason": "round %d",
                         "causeEventId": "%s", "observedAt": "%s"}""".formatted(id, names.get(i), to, round,
                        UUID.randomUUID(), Instant.now());
                kafka.produce("byoc.cluster-events", id, data,
                        KafkaTestClient.cloudEvent(lastEvent, "byoc.cluster.status-changed.v1", id));
            }
        }
        String last = lastEvent;
        String lastName = names.get(names.size() - 1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/clusters/" + lastName + "/history").then().body("[-1].id", equalTo(last)));

        int before = given().auth().oauth2(ADMIN).get("/api/v1/admin/projections/cluster-view").then().statusCode(200)
                .body("state", equalTo("live")).extract().path("liveVersion");
        List<String> live = snapshot();
        assertThat(live).hasSizeGreaterThanOrEqualTo(8);

        given().auth().oauth2(ADMIN).post("/api/v1/admin/projections/cluster-view/rebuild").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/admin/projections/cluster-view").then().body("state", equalTo("live"))
                .body("liveVersion", equalTo(before + 1)));
        int applied = given().auth().oauth2(ADMIN).get("/api/v1/admin/projections/cluster-view").then()
                .extract().path("eventsApplied");
        assertThat(applied).isGreaterThanOrEqualTo(8 + 8 * 40);
        System.out.println("rebuild progress: " + given().auth().oauth2(ADMIN).get("/api/v1/admin/projections/cluster-view").asString());
        assertThat(snapshot()).containsExactlyElementsOf(live);
        given().auth().oauth2(ADMIN).get("/api/v1/clusters/" + names.get(0)).then().statusCode(200)
                .body("reason", equalTo("round 39"));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from registry.cluster_view where version = " + before)) {
            r.next();
            assertThat(r.getInt(1)).as("the old version is dropped").isZero();
        }
    }

    /** Every live row, without its version, in a stable order. */
    private List<String> snapshot() throws SQLException {
        return Rows.liveVersion(dataSource, "registry", "cluster_view", "cluster-view",
                "cluster_id, name, owner, status, reason, checks::text, teardown::text, last_event_id, "
                        + "last_partition, last_offset, updated_at");
    }
}
