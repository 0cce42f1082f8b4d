package dev.byoc.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.envelope.SchemaValidator;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the provisioner published on byoc.cluster-events in answer to one input event, read with a
 * plain consumer. Reading it already asserts the envelope: every record validates against its
 * contract schema, carries the CloudEvents headers with ce_id = EventIds.derived(input id, type),
 * subject and key = cluster id, and never contains the issued external ID of any test user.
 */
record Outcome(String causeId, List<ConsumerRecord<String, String>> records) {
    static final String EVENTS = "byoc.cluster-events";
    static final String REQUESTED = "byoc.cluster.requested.v2";
    static final String UPDATED = "byoc.cluster.updated.v2";
    static final String DELETED = "byoc.cluster.deleted.v2";
    static final String REQUESTED_V1 = "byoc.cluster.requested.v1";
    static final String STARTED = "byoc.cluster.validation-started.v1";
    static final String VALIDATED = "byoc.cluster.validated.v2";
    static final String FAILED = "byoc.cluster.validation-failed.v2";
    static final String TORN_DOWN = "byoc.cluster.teardown-completed.v1";
    static final String ROTATION_REQUESTED = "byoc.cluster.rotation-requested.v1";
    static final String ROTATION_VALIDATED = "byoc.cluster.rotation-validated.v1";
    static final String ROTATION_FAILED = "byoc.cluster.rotation-failed.v1";
    private static final Set<String> FINAL = Set.of(VALIDATED, FAILED, TORN_DOWN, ROTATION_VALIDATED, ROTATION_FAILED);
    /** The issued IDs of every user the tests use: none may ever appear in an output. */
    static final List<String> ISSUED_IDS = List.of(AwsStandIn.externalIdOf(AwsStandIn.OWNER),
            AwsStandIn.externalIdOf(AwsStandIn.SECOND_OWNER), AwsStandIn.externalIdOf(Spec.STRANGER));

    /** Produces one event with CloudEvents headers (id {@code ceId}), keyed by the cluster id. */
    static void send(String type, String ceId, UUID clusterId, String json) {
        KafkaTestClient.shared().produce(EVENTS, clusterId.toString(), json,
                KafkaTestClient.cloudEvent(ceId, type, clusterId.toString()));
    }

    static String send(String type, UUID clusterId, String json) {
        String id = UUID.randomUUID().toString();
        send(type, id, clusterId, json);
        return id;
    }

    static String request(UUID clusterId, Spec spec) {
        return send(REQUESTED, clusterId, spec.requested(clusterId));
    }

    /** Waits for {@code finals} final answers (validated, validation-failed or teardown-completed) to {@code causeId}. */
    static Outcome await(UUID clusterId, String causeId, int finals, Duration timeout) {
        List<ConsumerRecord<String, String>> found = KafkaTestClient.shared().read(EVENTS,
                r -> clusterId.toString().equals(r.key()) && causeId.equals(data(r).path("causeEventId").asText(null)),
                records -> records.stream().filter(r -> FINAL.contains(type(r))).count() >= finals, timeout);
        assertThat(found.stream().filter(r -> FINAL.contains(type(r))).count())
                .as("final answers to %s within %s; got %s", causeId, timeout, found.stream().map(Outcome::type).toList())
                .isGreaterThanOrEqualTo(finals);
        for (ConsumerRecord<String, String> r : found) {
            String type = type(r);
            assertThat(SchemaValidator.violations(type, r.value())).as("schema of %s: %s", type, r.value()).isEmpty();
            assertThat(KafkaTestClient.header(r, "ce_id")).isEqualTo(EventIds.derived(causeId, type));
            assertThat(KafkaTestClient.header(r, "ce_specversion")).isEqualTo("1.0");
            assertThat(KafkaTestClient.header(r, "ce_source")).isEqualTo("/byoc/provisioner-service");
            assertThat(KafkaTestClient.header(r, "ce_subject")).isEqualTo(clusterId.toString());
            assertThat(KafkaTestClient.header(r, "ce_time")).isNotBlank();
            assertThat(KafkaTestClient.header(r, "content-type")).startsWith("application/json");
            for (String issued : ISSUED_IDS) {
                assertThat(r.value()).as("no issued external ID ever leaves in full").doesNotContain(issued);
                r.headers().forEach(h -> assertThat(h.value() == null ? "" : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .as("header %s", h.key()).doesNotContain(issued));
            }
        }
        return new Outcome(causeId, found);
    }

    static Outcome await(UUID clusterId, String causeId) {
        return await(clusterId, causeId, 1, Duration.ofSeconds(60));
    }

    static String type(ConsumerRecord<String, String> record) {
        return KafkaTestClient.header(record, "ce_type");
    }

    static JsonNode data(ConsumerRecord<String, String> record) {
        try {
            return Json.mapper().readTree(record.value());
        } catch (Exception e) {
            return Json.mapper().createObjectNode();
        }
    }

    List<String> types() {
        return records.stream().map(Outcome::type).toList();
    }

    ConsumerRecord<String, String> last() {
        return records.stream().filter(r -> FINAL.contains(type(r))).reduce((a, b) -> b).orElseThrow();
    }

    ConsumerRecord<String, String> first(String type) {
        return records.stream().filter(r -> type.equals(type(r))).findFirst().orElseThrow();
    }

    /** The final answer's type. */
    String result() {
        return type(last());
    }

    JsonNode data() {
        return data(last());
    }

    /** "id=status" of every check of the final answer, in report order. */
    List<String> statuses() {
        List<String> statuses = new ArrayList<>();
        data().path("checks").forEach(c -> statuses.add(c.path("id").asText() + "=" + c.path("status").asText()));
        return statuses;
    }

    JsonNode check(String id) {
        for (JsonNode c : data().path("checks")) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + data());
    }

    String message(String id) {
        return check(id).path("message").asText();
    }

    String remediation(String id) {
        return check(id).path("remediation").asText(null);
    }

    static List<String> checks(String... statuses) {
        List<String> ids = List.of("assume-role", "external-id-enforced", "account-matches", "eks-cluster", "kubernetes-api", "s3-bucket",
                "quotas");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            out.add(ids.get(i) + "=" + statuses[i]);
        }
        return out;
    }
}
