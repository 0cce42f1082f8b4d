package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.byoc.contracts.bus.BusPrincipals;
import dev.byoc.testsupport.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops while registrations keep coming (issue 13): while it is down the registry
 * answers 503 — never 500, never a 2xx it cannot keep — and once it is back every registration it
 * accepted reaches running, the consumers having waited instead of dead-lettering.
 */
class DatabaseOutageIT {
    private static PostgresServer postgres;
    private static SystemUnderTest system;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.ofItsOwn().orElse(null);
        Assumptions.assumeTrue(postgres != null, "no local PostgreSQL installation to start (and stop) a server of its own");
        system = new SystemUnderTest(postgres);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void registrationsDuringAnOutageAre503AndEveryAcceptedOneReachesRunning() throws Exception {
        String demo = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"));
        String run = UUID.randomUUID().toString().substring(0, 6);
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        AtomicBoolean going = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            for (int i = 0; going.get(); i++) {
                String name = "outage-" + run + "-" + i;
                int status;
                try {
                    status = given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                            .contentType("application/json").body(demo.replaceFirst("\"name\": \"demo-01\"", "\"name\": \"" + name + "\""))
                            .when().post("/api/v1/clusters").then().extract().statusCode();
                } catch (RuntimeException e) {
                    status = -1; // no HTTP answer at all
                }
                answers.merge(String.valueOf(status), 1, Integer::sum);
                if (status == 201) {
                    accepted.add(name);
                }
                sleep(100);
            }
        });
        load.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 5);
        postgres.pause();
        sleep(3000);
        // while it is down: a read is 503 too, and a malformed request is still a 400 (checked before
        // any database work), never a 5xx
        given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                .when().get("/api/v1/clusters").then().statusCode(503).contentType("application/problem+json");
        given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                .contentType("application/json").body("{\"name\": null, \"spec\": []}")
                .when().post("/api/v1/clusters").then().statusCode(400).contentType("application/problem+json");
        sleep(5000);
        int acceptedBefore = accepted.size();
        postgres.resume();
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= acceptedBefore + 5);
        going.set(false);
        load.join();

        assertThat(answers).as("answers while PostgreSQL went away and came back (%s)", answers)
                .containsKeys("201", "503").containsOnlyKeys("201", "503");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (String name : accepted) {
                    assertThat(given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                            .when().get("/api/v1/clusters/" + name).then().statusCode(200).extract().<String>path("status"))
                            .as(name).isEqualTo("running");
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + system.logs(), e);
        }
        Set<String> ids = new java.util.HashSet<>();
        for (String name : accepted) {
            ids.add(given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                    .when().get("/api/v1/clusters/" + name).then().extract().path("id"));
        }
        assertThat(deadLettered(ids)).as("dead letters about the accepted clusters").isEmpty();
    }

    /** Every record on the DLQ whose key is one of these clusters. */
    private static List<String> deadLettered(Set<String> clusterIds) {
        Map<String, Object> config = new HashMap<>(system.kafka.clientSettings(BusPrincipals.OPS));
        config.putAll(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        List<String> found = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor("byoc.cluster-events.dlq").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 20_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && clusterIds.contains(record.key())) {
                        found.add(record.key() + ": " + record.value());
                    }
                }
            }
        }
        return found;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
