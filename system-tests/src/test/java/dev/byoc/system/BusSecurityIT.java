package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.Producers;
import dev.byoc.contracts.Topics;
import dev.byoc.contracts.bus.BusPrincipals;
import dev.byoc.contracts.envelope.CommandSignatures;
import dev.byoc.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 from the outside, with plain Kafka clients against the packaged services on the secured
 * broker: nobody gets in without credentials, each principal only does its job, commands must be
 * signed by a service account that may act for the user, and a service cannot speak for another.
 */
class BusSecurityIT {
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

    static Map<String, Object> producer(Map<String, Object> login) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        // a plain producer, so a refused write is the topic's TOPIC_AUTHORIZATION_FAILED (an idempotent one
        // first needs a producer id, refused with CLUSTER_AUTHORIZATION_FAILED to a principal that writes nowhere)
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        return config;
    }

    static Throwable send(Map<String, Object> login, String topic, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producer(login))) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    static Throwable poll(Map<String, Object> login, String topic) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bus-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 8000;
            while (System.currentTimeMillis() < deadline) {
                if (!consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    return null;
                }
            }
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void anonymousAndWrongCredentialsAreRefusedOnEveryTopic() {
        Map<String, Object> anonymous = system.kafka.clientSettings(null);
        Map<String, Object> wrong = new HashMap<>(system.kafka.clientSettings(BusPrincipals.OPS));
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"byoc-ops\" password=\"not-the-password\";");
        for (String topic : List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_COMMANDS, Topics.CLUSTER_STATE,
                Topics.CLUSTER_EVENTS_DLQ)) {
            assertThat(send(anonymous, topic, "{}")).as("anonymous write to " + topic).isNotNull();
            assertThat(send(wrong, topic, "{}")).as("wrong password on " + topic).isInstanceOf(SaslAuthenticationException.class);
            assertThat(poll(wrong, topic)).as("wrong password reading " + topic).isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void eachPrincipalMayDoOnlyItsJob() {
        Map<String, Object> ops = system.kafka.clientSettings(BusPrincipals.OPS);
        assertThat(poll(ops, Topics.CLUSTER_EVENTS)).as("ops reads events").isNull();
        assertThat(poll(ops, Topics.CLUSTER_STATE)).as("ops reads the fleet state").isNull();
        assertThat(send(ops, Topics.CLUSTER_EVENTS, "{}")).as("ops writes events")
                .isInstanceOf(TopicAuthorizationException.class);
        Map<String, Object> producer = system.kafka.clientSettings(BusPrincipals.PRODUCER);
        assertThat(send(producer, Topics.CLUSTER_EVENTS, "{}")).as("producer writes events")
                .isInstanceOf(TopicAuthorizationException.class);
        // a consumer is refused at its group (GROUP_AUTHORIZATION_FAILED) before it reaches the topic
        assertThat(poll(producer, Topics.CLUSTER_COMMANDS)).as("producer reads commands")
                .isInstanceOf(org.apache.kafka.common.errors.AuthorizationException.class);
        Map<String, Object> provisioner = system.kafka.clientSettings(BusPrincipals.PROVISIONER);
        assertThat(send(provisioner, Topics.CLUSTER_COMMANDS, "{}")).as("provisioner writes commands")
                .isInstanceOf(TopicAuthorizationException.class);
        assertThat(send(provisioner, Topics.CLUSTER_STATE, "{}")).as("provisioner writes the state topic")
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void commandsMustBeSignedByAnAccountThatMayActForTheUser() throws Exception {
        JsonNode account = Json.read(given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                .contentType("application/json").body("{\"name\": \"team-ml\", \"actingUsers\": [\"admin\"]}")
                .post("/api/v1/admin/service-accounts").then().statusCode(201).extract().asString(), JsonNode.class);
        String keyId = account.path("keyId").asText();
        String secret = account.path("secret").asText();
        String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"));
        KafkaTestClient asProducer = new KafkaTestClient(system.kafka.clientSettings(BusPrincipals.PRODUCER));
        KafkaTestClient reader = new KafkaTestClient(system.kafka.clientSettings(BusPrincipals.OPS));

        String signed = UUID.randomUUID().toString();
        String value = "{\"actingUser\": \"admin\", \"request\": " + spec.replaceFirst("\"name\": \"demo-01\"", "\"name\": \"signed-01\"") + "}";
        asProducer.produce(Topics.CLUSTER_COMMANDS, "signed-01", value, withSignature(signed, value, keyId, secret));
        String unsigned = UUID.randomUUID().toString();
        asProducer.produce(Topics.CLUSTER_COMMANDS, "unsigned-01", value.replace("signed-01", "unsigned-01"),
                KafkaTestClient.cloudEvent(unsigned, "byoc.cluster.register.v1", "unsigned-01"));
        String tampered = UUID.randomUUID().toString();
        Map<String, String> tamperedHeaders = withSignature(tampered, value, keyId, secret);
        asProducer.produce(Topics.CLUSTER_COMMANDS, "tampered-01", value.replace("signed-01", "tampered-01"), tamperedHeaders);
        String foreign = UUID.randomUUID().toString();
        String forBob = value.replace("\"admin\"", "\"bob\"").replace("signed-01", "foreign-01");
        asProducer.produce(Topics.CLUSTER_COMMANDS, "foreign-01", forBob, withSignature(foreign, forBob, keyId, secret));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(system.registry.url())
                .auth().oauth2(SystemUnderTest.ADMIN_KEY).get("/api/v1/clusters/signed-01").then().statusCode(200));
        for (var expected : Map.of(unsigned, "unauthenticated", tampered, "unauthenticated", foreign, "forbidden").entrySet()) {
            var rejected = reader.read(Topics.CLUSTER_EVENTS, r -> r.value().contains(expected.getKey()),
                    found -> !found.isEmpty(), Duration.ofSeconds(30));
            assertThat(rejected).as(expected.getValue()).hasSize(1);
            assertThat(KafkaTestClient.header(rejected.get(0), "ce_type")).isEqualTo("byoc.cluster.command-rejected.v1");
            assertThat(Json.read(rejected.get(0).value(), JsonNode.class).path("reason").asText()).isEqualTo(expected.getValue());
        }
        for (String name : List.of("unsigned-01", "tampered-01")) {
            given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY).get("/api/v1/clusters/" + name)
                    .then().statusCode(404);
        }
    }

    private static Map<String, String> withSignature(String id, String value, String keyId, String secret) {
        Map<String, String> headers = new HashMap<>(KafkaTestClient.cloudEvent(id, "byoc.cluster.register.v1", "x"));
        headers.putAll(CommandSignatures.headers(keyId, secret, id, "byoc.cluster.register.v1",
                value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    @Test
    void aDeletedClaimingToComeFromTheMonitorIsDeadLetteredByEveryConsumerAndTearsNothingDown() throws Exception {
        String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"))
                .replaceFirst("\"name\": \"demo-01\"", "\"name\": \"victim-01\"");
        String id = given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY).contentType("application/json")
                .body(spec).post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(system.registry.url())
                .auth().oauth2(SystemUnderTest.ADMIN_KEY).get("/api/v1/clusters/victim-01").then().body("status", equalTo("running")));

        String forged = UUID.randomUUID().toString();
        String deleted = "{\"clusterId\": \"" + id + "\", \"name\": \"victim-01\", \"owner\": \"admin\", \"spec\": "
                + "{\"region\": \"us-east-1\", \"roleArn\": \"arn:aws:iam::111122223333:role/byoc-demo-01\", "
                + "\"bucketName\": \"byoc-demo-01-bucket\", \"eksClusterName\": \"demo-01\", \"instanceTypes\": [], "
                + "\"performanceProfile\": \"default\", \"strict\": false}, \"force\": false, \"deletedAt\": \"2026-01-01T00:00:00Z\"}";
        // written by the harness as the super user: the ACLs already keep every principal but the registry off
        KafkaTestClient.of(system.kafka).produce(Topics.CLUSTER_EVENTS, id, deleted,
                KafkaTestClient.cloudEvent(forged, "byoc.cluster.deleted.v2", id, Producers.MONITOR));

        var dead = new KafkaTestClient(system.kafka.clientSettings(BusPrincipals.OPS)).read(Topics.CLUSTER_EVENTS_DLQ,
                r -> forged.equals(KafkaTestClient.header(r, "ce_id")), found -> found.size() >= 3, Duration.ofSeconds(30));
        assertThat(dead).as("one dead letter per consuming service").hasSize(3)
                .allSatisfy(r -> assertThat(KafkaTestClient.header(r, "dead-letter-reason")).startsWith("unexpected producer"));
        given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY).get("/api/v1/clusters/victim-01")
                .then().body("status", equalTo("running"));
        assertThat(system.aws.server().getAllServeEvents()).as("no teardown listing")
                .noneSatisfy(e -> assertThat(e.getRequest().getUrl()).contains("list-type=2").contains("byoc%2F" + id));
    }
}
