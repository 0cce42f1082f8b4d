package dev.byoc.contracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.event.RegisterCommand;
import dev.byoc.contracts.event.TimedOut;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class IncomingEventTests {
    static final String CLUSTER_ID = "3f9a6c2e-8d41-4b7a-a5e3-1c2d4e6f8a90";
    static final String EVENT_ID = "6f1b2d9e-3c4a-4b7e-9a12-0d5e8c7b4a31";
    static final List<EventTypes> EVENTS = EventTypes.CLUSTER_EVENTS;
    static final List<EventTypes> COMMANDS = List.of(EventTypes.REGISTER_COMMAND, EventTypes.UPDATE_COMMAND,
            EventTypes.DELETE_COMMAND);

    static String example(String type) {
        try {
            return Files.readString(ContractSchemaTests.resourceDir("examples").resolve(type + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> headers(String type) {
        Map<String, String> headers = new HashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", EVENT_ID);
        headers.put("ce_type", type);
        headers.put("ce_source", EventTypes.of(type).map(EventTypes::producer).orElse("/my-team"));
        headers.put("ce_time", "2025-03-14T09:26:53.589Z");
        headers.put("ce_subject", CLUSTER_ID);
        headers.put("content-type", "application/json");
        return headers;
    }

    static IncomingEvent readEvent(Map<String, String> headers, String value) {
        return IncomingEvents.read(headers, value, EVENTS);
    }

    @Test
    void validRecordIsAcceptedWithItsTypedData() {
        String type = EventTypes.REQUESTED.type();
        IncomingEvent event = readEvent(headers(type), example(type));

        assertThat(event).isInstanceOf(IncomingEvent.Accepted.class);
        IncomingEvent.Accepted accepted = (IncomingEvent.Accepted) event;
        assertThat(accepted.id()).isEqualTo(EVENT_ID);
        assertThat(accepted.type()).isEqualTo(EventTypes.REQUESTED);
        assertThat(accepted.subject()).isEqualTo(CLUSTER_ID);
        assertThat(accepted.time()).isEqualTo(Instant.parse("2025-03-14T09:26:53.589Z"));
        assertThat(accepted.data()).isInstanceOf(ClusterRequested.class);
        ClusterRequested requested = accepted.as(ClusterRequested.class).orElseThrow();
        assertThat(requested.clusterId()).isEqualTo(UUID.fromString(CLUSTER_ID));
        assertThat(requested.name()).isEqualTo("demo-01");
        assertThat(requested.spec().bucketName()).isEqualTo("byoc-demo-01-bucket");
        assertThat(accepted.as(HealthObserved.class)).isEmpty();
        assertThat(accepted.json().path("owner").asText()).isEqualTo("alice");
    }

    @ParameterizedTest
    @EnumSource(value = EventTypes.class, names = {"REGISTER_COMMAND", "UPDATE_COMMAND", "DELETE_COMMAND"}, mode = EnumSource.Mode.EXCLUDE)
    void everyEventExampleIsAcceptedOnTheEventsTopic(EventTypes type) {
        IncomingEvent event = readEvent(headers(type.type()), example(type.type()));
        assertThat(event).isInstanceOfSatisfying(IncomingEvent.Accepted.class,
                a -> assertThat(a.data()).isInstanceOf(type.dataClass()));
    }

    @ParameterizedTest
    @EnumSource(value = EventTypes.class, names = {"REGISTER_COMMAND", "UPDATE_COMMAND", "DELETE_COMMAND"})
    void commandsAreAcceptedOnlyWhereAllowed(EventTypes type) {
        assertThat(IncomingEvents.read(headers(type.type()), example(type.type()), COMMANDS))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> assertThat(a.type()).isEqualTo(type));
        // a command on the events topic is not one of its types
        assertThat(readEvent(headers(type.type()), example(type.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason()).contains("unknown ce_type"));
    }

    @Test
    void kafkaHeadersAreReadAsUtf8() {
        RecordHeaders kafka = new RecordHeaders();
        headers(EventTypes.REQUESTED.type()).forEach((k, v) -> kafka.add(k, v.getBytes(StandardCharsets.UTF_8)));
        IncomingEvent event = IncomingEvents.read(kafka, example(EventTypes.REQUESTED.type()), EVENTS);
        assertThat(event).isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> assertThat(a.id()).isEqualTo(EVENT_ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "ce_type", "ce_source", "ce_specversion"})
    void missingRequiredHeaderIsDeadLetteredNamingTheHeader(String header) {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.remove(header);
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class,
                        d -> assertThat(d.reason()).isEqualTo("missing CloudEvents header " + header));
    }

    @Test
    void blankCeIdIsAsGoodAsMissing() {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.put("ce_id", " ");
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason()).contains("ce_id"));
    }

    @Test
    void optionalHeadersMayBeMissing() {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.remove("ce_time");
        headers.remove("ce_subject");
        headers.remove("content-type");
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> {
                    assertThat(a.time()).isNull();
                    assertThat(a.subject()).isNull();
                });
    }

    // ---- ce_time ----

    @ParameterizedTest
    @ValueSource(strings = {
        "2025-03-14T09:26:53.589Z",
        "2025-03-14T10:26:53.589+01:00",
        "2025-03-14T04:56:53.589-04:30",
        "2025-03-14T09:26:53.589+00:00",
        "2025-03-14T09:26:53.589-00:00",
        "2025-03-14t09:26:53.589z",
        "2025-03-14T09:26:53.589000000Z",
    })
    void ceTimeIsTheEventsTimeWhateverItsOffset(String ceTime) {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.put("ce_time", ceTime);
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class,
                        a -> assertThat(a.time()).isEqualTo(Instant.parse("2025-03-14T09:26:53.589Z")));
    }

    @Test
    void ceTimeWithoutFractionIsWholeSeconds() {
        Map<String, String> headers = headers(EventTypes.DELETED.type());
        headers.put("ce_time", "2025-03-20T16:45:00Z");
        assertThat(readEvent(headers, example(EventTypes.DELETED.type())))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class,
                        a -> assertThat(a.time()).isEqualTo(Instant.parse("2025-03-20T16:45:00Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void blankCeTimeIsAsGoodAsMissing(String ceTime) {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.put("ce_time", ceTime);
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> assertThat(a.time()).isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "yesterday",
        "1741944413589",
        "2025-03-14",
        "2025-03-14T09:26:53",
        "2025-03-14T09:26:53.589",
        "2025-03-14T09:26Z",
        "2025-03-14 09:26:53Z",
        "2025-03-14T09:26:53+0100",
        "2025-03-14T09:26:53+01",
        "2025-03-14T09:26:53.589Z[UTC]",
        "2025-02-30T09:26:53Z",
        "2025-03-14T24:00:00Z",
        "2025-03-14T09:26:53+25:00",
        "Fri, 14 Mar 2025 09:26:53 GMT",
    })
    void ceTimeThatIsNotRfc3339IsDeadLettered(String ceTime) {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.put("ce_time", ceTime);
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> {
                    assertThat(d.type()).isEqualTo(EventTypes.REQUESTED.type());
                    assertThat(d.reason()).isEqualTo("ce_time is not an RFC 3339 timestamp: " + ceTime);
                });
    }

    @Test
    void invalidCeTimeIsDeadLetteredOnCommandsToo() {
        String type = EventTypes.DELETE_COMMAND.type();
        Map<String, String> headers = headers(type);
        headers.put("ce_time", "now");
        assertThat(IncomingEvents.read(headers, example(type), COMMANDS))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class,
                        d -> assertThat(d.reason()).isEqualTo("ce_time is not an RFC 3339 timestamp: now"));
        headers.remove("ce_time");
        assertThat(IncomingEvents.read(headers, example(type), COMMANDS))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> assertThat(a.time()).isNull());
    }

    @Test
    void kafkaCeTimeHeaderIsRead() {
        RecordHeaders kafka = new RecordHeaders();
        headers(EventTypes.TIMED_OUT.type()).forEach((k, v) -> kafka.add(k, v.getBytes(StandardCharsets.UTF_8)));
        kafka.add("ce_time", "2025-03-14T09:57:40.204Z".getBytes(StandardCharsets.UTF_8)); // last value wins
        assertThat(IncomingEvents.read(kafka, example(EventTypes.TIMED_OUT.type()), EVENTS))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> {
                    assertThat(a.time()).isEqualTo(Instant.parse("2025-03-14T09:57:40.204Z"));
                    assertThat(a.as(TimedOut.class).orElseThrow().status()).isEqualTo(ClusterStatus.PENDING);
                });
    }

    @Test
    void otherSpecVersionIsDeadLettered() {
        Map<String, String> headers = headers(EventTypes.REQUESTED.type());
        headers.put("ce_specversion", "0.3");
        assertThat(readEvent(headers, example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason()).contains("ce_specversion 0.3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"clusterId\": ", "not json at all", "{\"clusterId\": \"a\", \"clusterId\": \"b\"}"})
    void invalidJsonIsDeadLettered(String value) {
        assertThat(readEvent(headers(EventTypes.REQUESTED.type()), value))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> {
                    assertThat(d.type()).isEqualTo(EventTypes.REQUESTED.type());
                    assertThat(d.reason()).startsWith("value is not valid JSON").doesNotContain("\n");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "42", "\"text\"", "null"})
    void nonObjectValueIsDeadLettered(String value) {
        assertThat(readEvent(headers(EventTypes.REQUESTED.type()), value))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason()).contains("not a JSON object"));
    }

    @Test
    void nullValueIsDeadLettered() {
        assertThat(readEvent(headers(EventTypes.REQUESTED.type()), null))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason()).contains("no value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.other.thing.v1", "byoc.cluster.exploded.v1", "byoc.cluster.requested", "byoc.cluster.requested.vX"})
    void unknownTypeIsDeadLettered(String type) {
        assertThat(readEvent(headers(type), example(EventTypes.REQUESTED.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> {
                    assertThat(d.type()).isEqualTo(type);
                    assertThat(d.reason()).isEqualTo("unknown ce_type " + type + " for this topic");
                });
    }

    @Test
    void schemaViolationIsDeadLetteredWithTheViolation() {
        String type = EventTypes.HEALTH_OBSERVED.type();
        String value = example(type).replace("\"" + CLUSTER_ID + "\"", "\"demo-01\"");
        assertThat(readEvent(headers(type), value))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> {
                    assertThat(d.reason()).startsWith("schema " + type + ": ").contains("clusterId").contains("uuid");
                });
    }

    @Test
    void availabilityZoneInAnEventSpecIsDeadLettered() {
        String type = EventTypes.REQUESTED.type();
        assertThat(readEvent(headers(type), example(type).replace("\"us-east-1\"", "\"us-east-1a\"")))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason()).contains("region"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"byoc.cluster.requested.v3", "byoc.cluster.health-observed.v7", "byoc.cluster.status-changed.v2"})
    void newerVersionOfAKnownTypeIsSkipped(String type) {
        assertThat(readEvent(headers(type), "{\"whatever\": \"v2 looks like\"}"))
                .isInstanceOfSatisfying(IncomingEvent.Skipped.class, s -> {
                    assertThat(s.type()).isEqualTo(type);
                    assertThat(s.reason()).contains("newer version");
                });
    }

    @Test
    void newerVersionIsSkippedEvenWhenItsValueIsNotJson() {
        assertThat(readEvent(headers("byoc.cluster.requested.v3"), "<xml/>")).isInstanceOf(IncomingEvent.Skipped.class);
    }

    @Test
    void olderOrSameVersionIsNotSkipped() {
        assertThat(EventTypes.isNewerVersionOfKnownType("byoc.cluster.requested.v1")).isFalse();
        assertThat(EventTypes.isNewerVersionOfKnownType("byoc.cluster.requested.v0")).isFalse();
        assertThat(EventTypes.isNewerVersionOfKnownType("byoc.cluster.requested.v2")).isFalse();
        assertThat(EventTypes.isNewerVersionOfKnownType("byoc.cluster.requested.v3")).isTrue();
        assertThat(EventTypes.isNewerVersionOfKnownType(null)).isFalse();
    }

    // ---- one producer per type ----

    @ParameterizedTest
    @EnumSource(value = EventTypes.class, names = {"REGISTER_COMMAND", "UPDATE_COMMAND", "DELETE_COMMAND"}, mode = EnumSource.Mode.EXCLUDE)
    void anEventFromAnyOtherServiceThanItsProducerIsDeadLettered(EventTypes type) {
        for (String other : List.of(dev.byoc.contracts.Producers.REGISTRY, dev.byoc.contracts.Producers.PROVISIONER,
                dev.byoc.contracts.Producers.MONITOR, "/my-team")) {
            if (other.equals(type.producer())) {
                continue;
            }
            Map<String, String> headers = headers(type.type());
            headers.put("ce_source", other);
            assertThat(readEvent(headers, example(type.type()))).as(type + " from " + other)
                    .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason())
                            .startsWith("unexpected producer").contains(type.producer()).contains(other));
        }
        assertThat(readEvent(headers(type.type()), example(type.type()))).isInstanceOf(IncomingEvent.Accepted.class);
    }

    @Test
    void aForgedDeletedFromTheMonitorIsDeadLettered() {
        Map<String, String> headers = headers(EventTypes.DELETED.type());
        headers.put("ce_source", dev.byoc.contracts.Producers.MONITOR);
        assertThat(readEvent(headers, example(EventTypes.DELETED.type())))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class, d -> assertThat(d.reason())
                        .isEqualTo("unexpected producer: byoc.cluster.deleted.v2 is emitted only by /byoc/registry-service, "
                                + "not by /byoc/monitor-service"));
    }

    @Test
    void commandsMayComeFromAnyProducer() {
        assertThat(EventTypes.REGISTER_COMMAND.producer()).isNull();
        assertThat(EventTypes.CLUSTER_EVENTS).allSatisfy(t -> assertThat(t.producer()).isNotNull());
    }

    // ---- tolerant reader ----

    @Test
    void eventWithAnUnknownFieldIsStillAccepted() throws IOException {
        String type = EventTypes.REQUESTED.type();
        ObjectNode value = (ObjectNode) Json.mapper().readTree(example(type));
        value.put("region_display_name", "US East (N. Virginia)");
        ((ObjectNode) value.path("spec")).putObject("networking").put("subnet", "subnet-0a1b2c3d");

        IncomingEvent event = readEvent(headers(type), value.toString());

        assertThat(event).isInstanceOfSatisfying(IncomingEvent.Accepted.class, a -> {
            ClusterRequested requested = a.as(ClusterRequested.class).orElseThrow();
            assertThat(requested).isEqualTo(Json.read(example(type), ClusterRequested.class));
            // the raw JSON keeps the field for consumers that already know it
            assertThat(a.json().path("region_display_name").asText()).isEqualTo("US East (N. Virginia)");
        });
    }

    @Test
    void registerCommandWithAnUnknownKeyIsRejectedByItsSchema() throws IOException {
        String type = EventTypes.REGISTER_COMMAND.type();
        ObjectNode value = (ObjectNode) Json.mapper().readTree(example(type));
        ((ObjectNode) value.path("request").path("spec")).put("node_pool", "gpu");

        assertThat(SchemaValidator.violations(type, value)).singleElement().asString().contains("node_pool");
        assertThat(IncomingEvents.read(headers(type), value.toString(), COMMANDS))
                .isInstanceOfSatisfying(IncomingEvent.DeadLetter.class,
                        d -> assertThat(d.reason()).startsWith("schema " + type + ": ").contains("node_pool"));

        value.put("priority", "high");
        assertThat(SchemaValidator.violations(type, value)).anySatisfy(v -> assertThat(v).contains("priority"));
        // while the unchanged example is a valid command
        assertThat(IncomingEvents.read(headers(type), example(type), COMMANDS))
                .isInstanceOfSatisfying(IncomingEvent.Accepted.class,
                        a -> assertThat(a.as(RegisterCommand.class).orElseThrow().actingUser()).isEqualTo("alice"));
    }

    // ---- ids ----

    @Test
    void derivedIdsAreDeterministicAndDifferPerTypeAndSource() {
        String validated = EventIds.derived(EVENT_ID, EventTypes.VALIDATED.type());
        assertThat(EventIds.derived(EVENT_ID, EventTypes.VALIDATED.type())).isEqualTo(validated);
        assertThat(EventIds.derived(EVENT_ID, EventTypes.VALIDATION_STARTED.type())).isNotEqualTo(validated);
        assertThat(EventIds.derived("7f1b2d9e-3c4a-4b7e-9a12-0d5e8c7b4a31", EventTypes.VALIDATED.type())).isNotEqualTo(validated);
        UUID uuid = UUID.fromString(validated);
        assertThat(uuid.version()).as("name-based").isEqualTo(3);
        // the value the README documents, so other languages can reproduce it
        assertThat(validated).isEqualTo("bc286a6d-9d54-3fa9-88db-012c328d48ea");
    }

    @Test
    void randomIdsAreRandomUuids() {
        String a = EventIds.random();
        assertThat(UUID.fromString(a).version()).isEqualTo(4);
        assertThat(EventIds.random()).isNotEqualTo(a);
    }
}
