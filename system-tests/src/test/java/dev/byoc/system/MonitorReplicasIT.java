package dev.byoc.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresServer;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two monitor replicas split the fleet by partition ownership: every cluster is polled by exactly
 * one of them, and when one dies its clusters move to the other with no status lost or doubled.
 */
class MonitorReplicasIT {
    static final Pattern SESSION = Pattern.compile("RoleSessionName=byoc-mon-([0-9a-z]+)-([0-9a-f-]{36})");
    static final String ADMIN_KEY = "monitor-replicas-admin-key";
    final Path root = Path.of(System.getProperty("byoc.root"));

    @Test
    void replicasSplitTheFleetAndTakeOverOnFailure() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopics(KafkaResource.TOPICS);
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase("byoc_monitors");
        AwsStandIn aws = AwsStandIn.shared();
        KafkaTestClient client = KafkaTestClient.shared();

        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("BYOC_DB_URL", postgres.url(database));
        env.put("BYOC_DB_USER", postgres.user());
        env.put("AWS_ENDPOINT_URL", aws.endpoint());
        env.put("AWS_ACCESS_KEY_ID", "AKIAPLATFORMSYSTEST1");
        env.put("AWS_SECRET_ACCESS_KEY", "system-test-secret");
        env.put("AWS_REGION", "us-east-1");
        env.put("BYOC_MONITOR_POLL_INTERVAL", "1s");
        env.put("BYOC_MONITOR_POLL_JITTER", "0s");
        env.put("BYOC_BOOTSTRAP_API_KEY", ADMIN_KEY);
        Map<String, String> envA = new HashMap<>(env);
        envA.put("BYOC_MONITOR_INSTANCE_ID", "replicaa");
        Map<String, String> envB = new HashMap<>(env);
        envB.put("BYOC_MONITOR_INSTANCE_ID", "replicab");

        try (ServiceProcess a = ServiceProcess.start(root, "monitor-service", freePort(), envA);
                ServiceProcess b = ServiceProcess.start(root, "monitor-service", freePort(), envB)) {
            a.awaitReady(Duration.ofSeconds(90));
            b.awaitReady(Duration.ofSeconds(90));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Set<Integer> pa = partitions(a);
                Set<Integer> pb = partitions(b);
                Set<Integer> all = new HashSet<>(pa);
                all.addAll(pb);
                return !pa.isEmpty() && !pb.isEmpty() && all.size() == 3;
            });

            List<String> ids = new ArrayList<>();
            for (String id : threePerPartition()) {
                String eks = "fleet-" + id.substring(0, 8);
                ids.add(id);
                aws.server().stubFor(get(urlPathEqualTo("/clusters/" + eks)).atPriority(1).willReturn(aResponse()
                        .withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                                {"cluster": {"name": "%s", "status": "ACTIVE", "version": "1.31", "createdAt": 1764000000}}"""
                                .formatted(eks))));
                produceLifecycle(client, id, eks);
            }
            for (String id : ids) {
                awaitStatus(client, id, "running");
            }

            // while both live: every cluster is polled by exactly one replica
            Thread.sleep(3000);
            Map<String, Set<String>> pollers = pollers(aws);
            for (String id : ids) {
                assertThat(pollers.get(id)).as("replicas polling " + id).hasSize(1);
            }
            Set<String> watchedByA = clusterIds(a);
            Set<String> watchedByB = clusterIds(b);
            assertThat(watchedByA).doesNotContainAnyElementsOf(watchedByB);
            assertThat(union(watchedByA, watchedByB)).containsAll(ids);
            assertThat(watchedByA).isNotEmpty();

            // A dies: its clusters move to B within a rebalance, and B keeps judging them
            a.kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> partitions(b).size() == 3);
            assertThat(clusterIds(b)).containsAll(ids);
            aws.server().resetRequests();
            Thread.sleep(3000);
            // a replica keeps each cluster's session (AssumeRole about every ten minutes, not per poll):
            // B assumes the roles of the clusters it took over, and polls every cluster
            Map<String, Set<String>> after = pollers(aws);
            for (String id : ids) {
                if (watchedByA.contains(id)) {
                    assertThat(after.get(id)).as("new sessions for " + id + " after the failover").containsExactly("replicab");
                } else {
                    assertThat(after.getOrDefault(id, Set.of())).as("sessions for " + id + " after the failover")
                            .isSubsetOf("replicab");
                }
                assertThat(aws.server().findAll(getRequestedFor(urlPathEqualTo("/clusters/fleet-" + id.substring(0, 8)))))
                        .as("polls of " + id + " after the failover").isNotEmpty();
            }
            // no status lost or duplicated: each cluster went queued, pending, running exactly once
            for (String id : ids) {
                var changes = client.read("byoc.cluster-events", r -> id.equals(r.key())
                        && "byoc.cluster.status-changed.v1".equals(KafkaTestClient.header(r, "ce_type")),
                        found -> false, Duration.ofSeconds(1));
                assertThat(changes.stream().map(r -> Json.mapper().valueToTree(Json.read(r.value(), Object.class))
                        .path("to").asText()).toList()).containsExactly("queued", "pending", "running");
            }
        }
    }

    /**
     * Nine cluster ids whose keys land three on each of the topic's 3 partitions (Kafka's murmur2
     * partitioner), so each replica watches some whatever the assignment: random ids leave one
     * replica with nothing in about 1 run in 40.
     */
    private static List<String> threePerPartition() {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        while (byPartition.values().stream().mapToInt(List::size).sum() < 9) {
            String id = UUID.randomUUID().toString();
            int partition = org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 3;
            List<String> ids = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
            if (ids.size() < 3) {
                ids.add(id);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    private static void produceLifecycle(KafkaTestClient client, String id, String eks) {
        String spec = """
                {"region": "us-east-1", "roleArn": "%s", "bucketName": "byoc-demo-01-bucket",
                 "eksClusterName": "%s", "instanceTypes": [{"name": "m5.xlarge", "overprovisionedOnDemandCount": 0}],
                 "performanceProfile": "default", "strict": false}""".formatted(AwsStandIn.ROLE_ARN, eks);
        String cause = UUID.randomUUID().toString();
        client.produce("byoc.cluster-events", id, """
                {"clusterId": "%s", "name": "%s", "owner": "%s", "spec": %s, "requestedAt": "%s"}"""
                .formatted(id, eks, AwsStandIn.OWNER, spec, Instant.now()),
                KafkaTestClient.cloudEvent(cause, "byoc.cluster.requested.v2", id));
        client.produce("byoc.cluster-events", id, """
                {"clusterId": "%s", "causeEventId": "%s", "startedAt": "%s"}""".formatted(id, cause, Instant.now()),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), "byoc.cluster.validation-started.v1", id));
        client.produce("byoc.cluster-events", id, """
                {"clusterId": "%s", "causeEventId": "%s", "checks": [], "completedAt": "%s"}""".formatted(id, cause, Instant.now()),
                KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), "byoc.cluster.validated.v1", id));
    }

    private static void awaitStatus(KafkaTestClient client, String id, String status) {
        var found = client.read("byoc.cluster-events", r -> id.equals(r.key())
                && "byoc.cluster.status-changed.v1".equals(KafkaTestClient.header(r, "ce_type"))
                && r.value().contains("\"to\":\"" + status + "\""), f -> !f.isEmpty(), Duration.ofSeconds(60));
        assertThat(found).as(id + " reaches " + status).isNotEmpty();
    }

    /** Which replica assumed the role for which cluster, from the stand-in's request journal. */
    private static Map<String, Set<String>> pollers(AwsStandIn aws) {
        Map<String, Set<String>> pollers = new HashMap<>();
        aws.server().findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole")))
                .forEach(request -> {
                    Matcher m = SESSION.matcher(URLDecoder.decode(request.getBodyAsString(), StandardCharsets.UTF_8));
                    if (m.find()) {
                        pollers.computeIfAbsent(m.group(2), k -> new HashSet<>()).add(m.group(1));
                    }
                });
        return pollers;
    }

    private static Set<Integer> partitions(ServiceProcess monitor) {
        List<Integer> owned = given().baseUri(monitor.url()).auth().oauth2(ADMIN_KEY).get("/api/v1/watch").then().statusCode(200).extract().path("partitions");
        return new HashSet<>(owned);
    }

    private static Set<String> clusterIds(ServiceProcess monitor) {
        List<String> ids = given().baseUri(monitor.url()).auth().oauth2(ADMIN_KEY).get("/api/v1/watch").then().statusCode(200).extract().path("clusters.id");
        return new HashSet<>(ids);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static int freePort() throws Exception {
        return ServiceProcess.freePort();
    }
}
