package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.testsupport.AwsStandIn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton of DESIGN §2, end to end over the real broker: the demo spec POSTed to
 * the registry reaches running through the provisioner and the monitor, and every hop is a
 * CloudEvent on byoc.cluster-events that a plain Kafka consumer can read.
 */
class WalkingSkeletonIT {
    private static SystemUnderTest system;

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void demoSpecReachesRunningThroughTheBroker() throws Exception {
        String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"));
        String id = given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                .contentType("application/json").body(spec)
                .when().post("/api/v1/clusters")
                .then().statusCode(201).body("status", equalTo("queued"))
                .body("spec.driver.kubernetes.aws.external_id",
                        equalTo(ExternalIds.mask(AwsStandIn.externalIdOf(AwsStandIn.OWNER))))
                .extract().path("id");

        List<String> streamed = followStatusStream("demo-01", "running", Duration.ofSeconds(30));
        assertThat(streamed).as("live stream").endsWith("running").isSubsetOf("queued", "pending", "running");
        assertThat(streamed).isSortedAccordingTo(java.util.Comparator.comparingInt(List.of("queued", "pending", "running")::indexOf));

        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                            .when().get("/api/v1/clusters/demo-01")
                            .then().statusCode(200).body("status", equalTo("running")));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + system.logs(), e);
        }

        List<ConsumerRecord<String, String>> records = readClusterEvents(id, 6);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(id);
            Map<String, String> headers = IncomingEvents.toMap(r.headers());
            assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("ce_subject", id)
                    .containsEntry("content-type", "application/json").containsKeys("ce_id", "ce_type", "ce_source", "ce_time");
            assertThat(IncomingEvents.read(r.headers(), r.value(), EventTypes.CLUSTER_EVENTS))
                    .isInstanceOf(IncomingEvent.Accepted.class);
        });
        List<String> types = records.stream().map(r -> IncomingEvents.toMap(r.headers()).get("ce_type")).toList();
        assertThat(types).startsWith("byoc.cluster.requested.v2")
                .contains("byoc.cluster.validation-started.v1", "byoc.cluster.validated.v2", "byoc.cluster.health-observed.v1");
        List<String> statuses = records.stream()
                .map(r -> IncomingEvents.read(r.headers(), r.value(), EventTypes.CLUSTER_EVENTS))
                .filter(e -> e instanceof IncomingEvent.Accepted a && a.data() instanceof StatusChanged)
                .map(e -> ((StatusChanged) ((IncomingEvent.Accepted) e).data()).to().wire())
                .toList();
        assertThat(statuses).containsExactly("queued", "pending", "running");
        // the external ID never travels: the provisioner and the monitor derive it from the owner
        assertThat(records).allSatisfy(r -> assertThat(r.value()).doesNotContain(AwsStandIn.externalIdOf(AwsStandIn.OWNER))
                .doesNotContain("externalId"));
    }

    /** Reads the registry's Server-Sent Events until {@code until}; returns the distinct statuses seen, in order. */
    private static List<String> followStatusStream(String name, String until, Duration timeout) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(system.registry.url() + "/api/v1/clusters/" + name + "/events"))
                .header("Authorization", "Bearer " + SystemUnderTest.ADMIN_KEY).timeout(timeout).build();
        List<String> statuses = new ArrayList<>();
        try (var lines = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofLines()).body()) {
            var iterator = lines.iterator();
            while (iterator.hasNext()) {
                String line = iterator.next();
                if (line.startsWith("data:")) {
                    String status = dev.byoc.contracts.Json.mapper().readTree(line.substring(5)).path("status").asText();
                    if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
                        statuses.add(status);
                    }
                    if (status.equals(until)) {
                        break;
                    }
                }
            }
        }
        return statuses;
    }

    /** Everything on byoc.cluster-events for one cluster, read by a plain consumer, until it has at least {@code min}. */
    private static List<ConsumerRecord<String, String>> readClusterEvents(String clusterId, int min) {
        Map<String, Object> config = new java.util.HashMap<>(system.kafka.clientSettings(dev.byoc.contracts.bus.BusPrincipals.OPS));
        config.putAll(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "system-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("byoc.cluster-events"));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (clusterId.equals(r.key())) {
                        found.add(r);
                    }
                }
                if (found.size() >= min && found.stream().anyMatch(r -> new String(r.headers().lastHeader("ce_type").value(),
                        StandardCharsets.UTF_8).equals("byoc.cluster.status-changed.v1")
                        && r.value().contains("\"to\":\"running\""))) {
                    break;
                }
            }
        }
        return found;
    }
}
