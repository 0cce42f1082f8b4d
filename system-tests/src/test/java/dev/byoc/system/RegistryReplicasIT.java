package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Two registry replicas on one database and broker; crashes of the registry and of Kafka. */
class RegistryReplicasIT {
    static final String KEY = "replicas-admin-key";
    final Path root = Path.of(System.getProperty("byoc.root"));

    private Map<String, String> env(KafkaBroker kafka, String database) {
        PostgresServer postgres = PostgresServer.shared();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("BYOC_DB_URL", postgres.url(database));
        env.put("BYOC_DB_USER", postgres.user());
        env.put("BYOC_BOOTSTRAP_API_KEY", KEY);
        return env;
    }

    private String spec(String name) throws Exception {
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) dev.byoc.contracts.Json.mapper()
                .readTree(Files.readString(root.resolve("deploy/local/demo-spec.json")));
        return spec.put("name", name).toString();
    }

    @Test
    void racingReplicasRegisterEachNameExactlyOnce() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopics(KafkaResource.TOPICS);
        String database = PostgresServer.shared().createDatabase("byoc_race");
        try (ServiceProcess a = ServiceProcess.start(root, "registry-service", freePort(), env(kafka, database));
                ServiceProcess b = ServiceProcess.start(root, "registry-service", freePort(), env(kafka, database))) {
            a.awaitReady(Duration.ofSeconds(90));
            b.awaitReady(Duration.ofSeconds(90));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                names.add("race-" + i + "-" + UUID.randomUUID().toString().substring(0, 6));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            Map<String, List<Future<Integer>>> answers = new HashMap<>();
            for (String name : names) {
                String body = spec(name);
                List<Future<Integer>> futures = new ArrayList<>();
                for (ServiceProcess replica : List.of(a, b, a, b)) {
                    Callable<Integer> post = () -> given().baseUri(replica.url()).auth().oauth2(KEY)
                            .contentType("application/json").body(body).post("/api/v1/clusters").statusCode();
                    futures.add(pool.submit(post));
                }
                answers.put(name, futures);
            }
            for (String name : names) {
                List<Integer> codes = new ArrayList<>();
                for (Future<Integer> f : answers.get(name)) {
                    codes.add(f.get());
                }
                assertThat(codes).as(name).containsExactlyInAnyOrder(201, 409, 409, 409);
            }
            pool.shutdown();

            var requested = KafkaTestClient.shared().read("byoc.cluster-events",
                    r -> "byoc.cluster.requested.v2".equals(KafkaTestClient.header(r, "ce_type"))
                            && names.stream().anyMatch(n -> r.value().contains("\"" + n + "\"")),
                    found -> found.size() >= names.size(), Duration.ofSeconds(30));
            // nothing more may arrive for the losers
            Thread.sleep(1000);
            var again = KafkaTestClient.shared().read("byoc.cluster-events",
                    r -> "byoc.cluster.requested.v2".equals(KafkaTestClient.header(r, "ce_type"))
                            && names.stream().anyMatch(n -> r.value().contains("\"" + n + "\"")),
                    found -> false, Duration.ofSeconds(3));
            assertThat(requested).hasSize(names.size());
            assertThat(again).hasSize(names.size());
        }
    }

    @Test
    void anAcceptedRequestSurvivesARegistryCrashAndAKafkaOutage() throws Exception {
        KafkaBroker kafka = KafkaBroker.start();
        try {
            kafka.createTopics(KafkaResource.TOPICS);
            String database = PostgresServer.shared().createDatabase("byoc_crash");
            Map<String, String> quietRelay = new HashMap<>(env(kafka, database));
            quietRelay.put("BYOC_OUTBOX_POLL_INTERVAL", "1h"); // the relay never gets to run before the crash
            String first = "crash-" + UUID.randomUUID().toString().substring(0, 6);
            String second = "outage-" + UUID.randomUUID().toString().substring(0, 6);

            ServiceProcess doomed = ServiceProcess.start(root, "registry-service", freePort(), quietRelay);
            doomed.awaitReady(Duration.ofSeconds(90));
            given().baseUri(doomed.url()).auth().oauth2(KEY).contentType("application/json").body(spec(first))
                    .post("/api/v1/clusters").then().statusCode(201);
            doomed.kill();

            kafka.pause();
            try (ServiceProcess survivor = ServiceProcess.start(root, "registry-service", freePort(), env(kafka, database))) {
                await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> given().baseUri(survivor.managementUrl())
                        .get("/q/health/live").statusCode() == 200);
                // Kafka is down: the request is still accepted, because the outbox holds it
                given().baseUri(survivor.url()).auth().oauth2(KEY).contentType("application/json").body(spec(second))
                        .post("/api/v1/clusters").then().statusCode(201);
                kafka.restart();

                KafkaTestClient client = KafkaTestClient.of(kafka);
                var requested = client.read("byoc.cluster-events",
                        r -> r.value().contains("\"" + first + "\"") || r.value().contains("\"" + second + "\""),
                        found -> found.size() >= 2, Duration.ofSeconds(60));
                Thread.sleep(2000);
                var settled = client.read("byoc.cluster-events",
                        r -> r.value().contains("\"" + first + "\"") || r.value().contains("\"" + second + "\""),
                        found -> false, Duration.ofSeconds(3));
                assertThat(requested).hasSize(2);
                Map<String, Long> perEventId = settled.stream().collect(Collectors.groupingBy(
                        r -> KafkaTestClient.header(r, "ce_id"), Collectors.counting()));
                assertThat(perEventId).hasSize(2).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
                for (String name : List.of(first, second)) {
                    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(given().baseUri(survivor.url())
                            .auth().oauth2(KEY).get("/api/v1/clusters/" + name + "/history").then().extract()
                            .<List<Object>>path("type")).hasSize(1));
                }
            }
        } finally {
            kafka.stop();
        }
    }

    private static int freePort() throws Exception {
        return ServiceProcess.freePort();
    }
}
