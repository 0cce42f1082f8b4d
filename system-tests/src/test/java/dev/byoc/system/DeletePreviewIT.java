package dev.byoc.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.testsupport.AwsStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delete preview across the seam, on the packaged services: the registry asks the provisioner's
 * internal API, which lists the cluster's prefix in the stand-in bucket; then the real delete's
 * teardown-completed removes exactly the objects the preview named, and the preview changed nothing.
 */
class DeletePreviewIT {
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
    void thePreviewListsExactlyWhatTheTeardownThenRemoves() throws Exception {
        String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"))
                .replace("\"name\": \"demo-01\"", "\"name\": \"preview-01\"");
        String id = given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                .contentType("application/json").body(spec).post("/api/v1/clusters")
                .then().statusCode(201).extract().path("id");
        awaitStatus("preview-01", "running");

        // the bucket holds objects of this cluster and of another one
        String bucket = AwsStandIn.BUCKET;
        String prefix = "byoc/" + id + "/";
        String neighbour = "byoc/" + UUID.randomUUID() + "/";
        List<String> keys = IntStream.range(0, 3).mapToObj(i -> prefix + "runs/" + i + "/log.txt").toList();
        List<StubMapping> stubs = new ArrayList<>();
        var server = system.aws.server();
        stubs.add(server.stubFor(get(urlPathMatching("/" + bucket + "/?")).atPriority(1).withQueryParam("list-type", WireMock.equalTo("2"))
                .withQueryParam("prefix", WireMock.equalTo(prefix)).willReturn(xml(listing(bucket, prefix, keys)))));
        stubs.add(server.stubFor(get(urlPathMatching("/" + bucket + "/?")).atPriority(1).withQueryParam("list-type", WireMock.equalTo("2"))
                .withQueryParam("prefix", WireMock.equalTo(neighbour)).willReturn(xml(listing(bucket, neighbour, List.of(neighbour + "x"))))));
        stubs.add(server.stubFor(post(urlPathMatching("/" + bucket + "/?")).atPriority(1).withQueryParam("delete", matching(".*"))
                .willReturn(xml(deleted(keys)))));
        try {
            JsonNode preview = Json.mapper().readTree(given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                    .queryParam("dryRun", "true").delete("/api/v1/clusters/preview-01")
                    .then().statusCode(200).body("dryRun", equalTo(true)).extract().asString());
            JsonNode teardown = preview.path("teardown");
            assertThat(teardown.path("outcome").asText()).isEqualTo("ready");
            assertThat(teardown.path("objectCount").asLong()).isEqualTo(3);
            List<String> previewed = texts(teardown.path("objects"));
            assertThat(previewed).containsExactlyElementsOf(keys.stream().map(k -> "s3://" + bucket + "/" + k).toList());
            // nothing changed: still running, nothing deleted, no teardown said
            given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY).get("/api/v1/clusters/preview-01")
                    .then().statusCode(200).body("status", equalTo("running"));
            assertThat(server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathMatching("/" + bucket + "/?"))
                    .withQueryParam("list-type", WireMock.equalTo("2")))).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.queryParameter("prefix").firstValue()).isEqualTo(prefix));
            assertThat(server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                    urlPathMatching("/" + bucket + "/?")).withQueryParam("delete", matching(".*")))).isEmpty();

            given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                    .delete("/api/v1/clusters/preview-01").then().statusCode(202);
            JsonNode completed = teardownCompleted(id);

            assertThat(texts(completed.path("removed"))).containsExactlyElementsOf(previewed);
            assertThat(texts(completed.path("leftBehind"))).containsExactlyElementsOf(texts(teardown.path("leftBehind")));
            assertThat(completed.path("hint").asText()).isEqualTo(teardown.path("hint").asText());
            awaitStatus("preview-01", "deleted");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + system.logs(), e);
        } finally {
            stubs.forEach(server::removeStub);
        }
    }

    private static void awaitStatus(String name, String status) {
        try {
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                            .queryParam("includeDeleted", true).get("/api/v1/clusters/" + name)
                            .then().statusCode(200).body("status", equalTo(status)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + system.logs(), e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.isObject() ? n.path("resource").asText() : n.asText()));
        return list;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder xml(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/xml").withBody(body);
    }

    private static String listing(String bucket, String prefix, List<String> keys) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + bucket + "</Name><Prefix>" + prefix + "</Prefix><KeyCount>"
                + keys.size() + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
        for (String key : keys) {
            xml.append("<Contents><Key>").append(key).append("</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified>")
                    .append("<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        return xml.append("</ListBucketResult>").toString();
    }

    private static String deleted(List<String> keys) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        keys.forEach(k -> xml.append("<Deleted><Key>").append(k).append("</Key></Deleted>"));
        return xml.append("</DeleteResult>").toString();
    }

    /** teardown-completed of the cluster, read off byoc.cluster-events by a plain consumer (the ops principal). */
    private static JsonNode teardownCompleted(String clusterId) throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(system.kafka.clientSettings(dev.byoc.contracts.bus.BusPrincipals.OPS));
        config.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "system-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("byoc.cluster-events"));
            long deadline = System.currentTimeMillis() + 45_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (clusterId.equals(r.key()) && "byoc.cluster.teardown-completed.v1".equals(
                            IncomingEvents.toMap(r.headers()).get("ce_type"))) {
                        return Json.mapper().readTree(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no teardown-completed for " + clusterId + " within 45 s\n" + system.logs());
    }
}
