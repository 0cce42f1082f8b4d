package dev.byoc.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands produced onto byoc.cluster-commands by a plain producer, signed by a service account,
 * get exactly the REST API's treatment.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class CommandTopicTests {
    final KafkaTestClient kafka = KafkaTestClient.shared();
    ServiceAccount producer;

    @BeforeEach
    void producer() {
        producer = ServiceAccount.anyUser();
    }

    private static String register(String actingUser, String request) {
        return "{\"actingUser\": \"" + actingUser + "\", \"request\": " + request + "}";
    }

    @Test
    void aRegisterCommandRegistersOnceEvenWhenRedelivered() {
        String name = ClusterApiTests.unique("cmd");
        String commandId = UUID.randomUUID().toString();
        String value = register("admin", Specs.grid(name));
        producer.send(name, commandId, "byoc.cluster.register.v1", value);
        producer.send(name, commandId, "byoc.cluster.register.v1", value);

        String id = await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(ClusterApiTests.ADMIN)
                .get("/api/v1/clusters/" + name).then().extract().path("id"), java.util.Objects::nonNull);
        given().auth().oauth2(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).then()
                .body("status", equalTo("queued")).body("spec.driver.kubernetes.aws.external_id", equalTo(ExternalIds.mask(AwsStandIn.externalIdOf(AwsStandIn.OWNER))));

        var requested = kafka.read("byoc.cluster-events", r -> id.equals(r.key()), found -> !found.isEmpty(), Duration.ofSeconds(20));
        // give a redelivered command time to do damage before counting
        var all = kafka.read("byoc.cluster-events",
                r -> r.value().contains("\"" + name + "\"") || commandId.equals(Json.mapper().valueToTree(
                        Json.read(r.value(), Object.class)).path("correlationId").asText()),
                found -> false, Duration.ofSeconds(3));
        assertThat(requested).hasSize(1);
        assertThat(all).extracting(r -> KafkaTestClient.header(r, "ce_type")).containsExactly("byoc.cluster.requested.v2");
    }

    @Test
    void anInvalidCommandIsRejectedWithTheRestErrors() {
        String name = ClusterApiTests.unique("bad");
        String commandId = UUID.randomUUID().toString();
        String request = Specs.withAws(name, "region", "us-east-1a");
        producer.send(name, commandId, "byoc.cluster.register.v1", register("admin", request));

        var rejected = kafka.read("byoc.cluster-events",
                r -> "byoc.cluster.command-rejected.v1".equals(KafkaTestClient.header(r, "ce_type"))
                        && r.value().contains(commandId),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(rejected).hasSize(1);
        var data = Json.mapper().valueToTree(Json.read(rejected.get(0).value(), Object.class));
        assertThat(data.path("correlationId").asText()).isEqualTo(commandId);
        assertThat(data.path("commandType").asText()).isEqualTo("byoc.cluster.register.v1");
        assertThat(data.path("reason").asText()).isEqualTo("invalid");
        assertThat(data.path("errors").get(0).path("path").asText()).isEqualTo("request.spec.driver.kubernetes.aws.region");
        assertThat(data.path("errors").get(0).path("message").asText()).contains("give the region, not an availability zone");
        given().auth().oauth2(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).then().statusCode(404);
    }

    @Test
    void anUnknownActingUserIsRejected() {
        String name = ClusterApiTests.unique("nobody");
        String commandId = UUID.randomUUID().toString();
        producer.send(name, commandId, "byoc.cluster.register.v1", register("no-such-user", Specs.grid(name)));
        var rejected = kafka.read("byoc.cluster-events", r -> r.value().contains(commandId), found -> !found.isEmpty(),
                Duration.ofSeconds(30));
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).value()).contains("\"path\":\"actingUser\"").contains("\"reason\":\"invalid\"");
    }
}
