package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.Topics;
import dev.byoc.testsupport.AwsStandIn;
import io.restassured.specification.RequestSpecification;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 tried from the outside, on the three packaged services, the real broker, PostgreSQL and
 * the AWS stand-in: users A (admin, the demo user) and B (bob) each with an issued external ID and
 * a role trusting only it. B can neither see A's clusters nor make the platform act in A's
 * account, and after full lifecycles no topic and no log holds anybody's external ID.
 */
class TenantBoundaryIT {
    private static SystemUnderTest system;
    private static String bobKey;

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest();
        as(SystemUnderTest.ADMIN_KEY).contentType("application/json").body("{\"username\": \"bob\"}")
                .post("/api/v1/admin/users").then().statusCode(201);
        bobKey = as(SystemUnderTest.ADMIN_KEY).post("/api/v1/admin/users/bob/keys").then().statusCode(201).extract().path("key");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    static RequestSpecification as(String key) {
        return given().baseUri(system.registry.url()).auth().oauth2(key);
    }

    static String demoSpec() throws Exception {
        return Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"));
    }

    /** The demo spec under another name / role / bucket, without an external ID (the platform uses the caller's). */
    static String spec(String name, String roleArn, String bucket) throws Exception {
        ObjectNode root = (ObjectNode) Json.mapper().readTree(demoSpec());
        root.put("name", name);
        ObjectNode aws = (ObjectNode) root.at("/spec/driver/kubernetes/aws");
        aws.put("role_arn", roleArn).put("bucket_name", bucket);
        return root.toString();
    }

    static void awaitStatus(String key, String name, String status) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    as(key).get("/api/v1/clusters/" + name).then().statusCode(200).body("status", equalTo(status)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + system.logs(), e);
        }
    }

    static List<ServeEvent> s3Calls() {
        return system.aws.server().getAllServeEvents().stream()
                .filter(e -> String.valueOf(e.getRequest().getHeader("Authorization")).contains("/s3/aws4_request"))
                .toList();
    }

    @Test
    void tenantsCannotReachEachOthersClustersOrAccountsAndNoTopicOrLogHoldsAnExternalId() throws Exception {
        String alicesId = AwsStandIn.externalIdOf("admin");
        String bobsId = AwsStandIn.externalIdOf("bob");

        // A: the demo, as the README does it, with no external ID in the spec
        as(SystemUnderTest.ADMIN_KEY).contentType("application/json").body(demoSpec()).post("/api/v1/clusters")
                .then().statusCode(201);
        as(SystemUnderTest.ADMIN_KEY).contentType("application/json")
                .body(spec("alpha-01", AwsStandIn.ROLE_ARN, AwsStandIn.BUCKET)).post("/api/v1/clusters").then().statusCode(201);
        // B may use the name demo-01 too, with his own role in his own account
        as(bobKey).contentType("application/json").body(spec("demo-01", AwsStandIn.SECOND_ROLE_ARN, AwsStandIn.SECOND_BUCKET))
                .post("/api/v1/clusters").then().statusCode(201);
        awaitStatus(SystemUnderTest.ADMIN_KEY, "demo-01", "running");
        awaitStatus(SystemUnderTest.ADMIN_KEY, "alpha-01", "running");
        awaitStatus(bobKey, "demo-01", "running");

        // B sees nothing of A's alpha-01, exactly as for a name nobody has
        for (String path : List.of("", "/history", "/events")) {
            String theirs = as(bobKey).get("/api/v1/clusters/alpha-01" + path).then().statusCode(404).extract().asString();
            String nobodys = as(bobKey).get("/api/v1/clusters/alpha-02" + path).then().statusCode(404).extract().asString();
            assertThat(theirs.replace("alpha-01", "X")).isEqualTo(nobodys.replace("alpha-02", "X"));
        }
        as(bobKey).delete("/api/v1/clusters/alpha-01").then().statusCode(404);
        as(bobKey).contentType("application/merge-patch+json").body("{\"spec\": {\"performance_profile\": \"default\"}}")
                .patch("/api/v1/clusters/alpha-01").then().statusCode(404);

        // B with A's role ARN and A's external ID: refused at the door
        as(bobKey).contentType("application/json")
                .body(spec("stolen-01", AwsStandIn.ROLE_ARN, AwsStandIn.BUCKET).replace("\"region\"",
                        "\"external_id\": \"" + alicesId + "\", \"region\""))
                .post("/api/v1/clusters").then().statusCode(400)
                .body("errors[0].path", equalTo("spec.driver.kubernetes.aws.external_id"));

        // B with A's role ARN and his own issued ID: the stand-in's trust policy refuses, no S3 call in A's account
        system.aws.server().resetRequests();
        as(bobKey).contentType("application/json").body(spec("stolen-02", AwsStandIn.ROLE_ARN, AwsStandIn.BUCKET))
                .post("/api/v1/clusters").then().statusCode(201);
        awaitStatus(bobKey, "stolen-02", "failed");
        JsonNode stolen = Json.read(as(bobKey).get("/api/v1/clusters/stolen-02").then().extract().asString(), JsonNode.class);
        assertThat(stolen.path("validation").path("checks").get(0).path("id").asText()).isEqualTo("assume-role");
        assertThat(stolen.path("validation").path("checks").get(0).path("status").asText()).isEqualTo("fail");
        assertThat(system.aws.server().getAllServeEvents()).as("the platform asked STS with bob's ID")
                .anySatisfy(e -> assertThat(e.getRequest().getBodyAsString()).contains("ExternalId=" + bobsId)
                        .contains("byoc-demo-01"));
        // deleting it tears down nothing in A's account either
        as(bobKey).delete("/api/v1/clusters/stolen-02").then().statusCode(202);
        awaitStatus(bobKey, "stolen-02", "deleted");
        assertThat(s3Calls()).as("S3 calls while B tried A's role").isEmpty();

        // full lifecycles to the end, then read every topic and every log
        for (String[] cluster : new String[][] {{SystemUnderTest.ADMIN_KEY, "demo-01"}, {SystemUnderTest.ADMIN_KEY, "alpha-01"},
                {bobKey, "demo-01"}}) {
            as(cluster[0]).delete("/api/v1/clusters/" + cluster[1]).then().statusCode(202);
        }
        awaitStatus(SystemUnderTest.ADMIN_KEY, "demo-01", "deleted");
        awaitStatus(SystemUnderTest.ADMIN_KEY, "alpha-01", "deleted");
        awaitStatus(bobKey, "demo-01", "deleted");

        List<ConsumerRecord<String, String>> everything = readAll(List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_COMMANDS,
                Topics.CLUSTER_STATE, Topics.CLUSTER_EVENTS_DLQ));
        assertThat(everything).hasSizeGreaterThan(20);
        for (ConsumerRecord<String, String> r : everything) {
            StringBuilder text = new StringBuilder(String.valueOf(r.key())).append(' ').append(r.value());
            for (Header h : r.headers()) {
                text.append(' ').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
            }
            assertThat(text.toString()).as(r.topic() + "@" + r.partition() + "/" + r.offset())
                    .doesNotContain(alicesId).doesNotContain(bobsId).doesNotContain("externalId");
        }
        for (ServiceProcess service : List.of(system.registry, system.provisioner, system.monitor)) {
            assertThat(Files.readString(service.log())).as("log of " + service.url())
                    .doesNotContain(alicesId).doesNotContain(bobsId).doesNotContain(AwsStandIn.EXTERNAL_ID_SECRET);
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(List<String> topics) {
        Map<String, Object> config = new java.util.HashMap<>(system.kafka.clientSettings(dev.byoc.contracts.bus.BusPrincipals.OPS));
        config.putAll(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "tenant-scan-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(topics);
            int emptyPolls = 0;
            while (emptyPolls < 6) {
                var records = consumer.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(all::add);
            }
        }
        return all;
    }
}
