package dev.byoc.contracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterStateRecord;
import dev.byoc.contracts.event.EventTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schemas, the examples and the Java records agree: what producers write (records serialised
 * with {@link Json}) validates, and what consumers read (the examples) maps onto the records.
 */
class ContractSchemaTests {
    static final String STATE_SCHEMA = "byoc.cluster-state.v1";
    static final Set<EventTypes> COMMANDS = Set.of(EventTypes.REGISTER_COMMAND, EventTypes.UPDATE_COMMAND,
            EventTypes.DELETE_COMMAND);

    static Path resourceDir(String name) {
        try {
            return Path.of(ContractSchemaTests.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> jsonFiles(Path dir, boolean recursive) {
        try (Stream<Path> files = recursive ? Files.walk(dir) : Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Schema names as SchemaValidator takes them: path under schemas/ without .json, e.g. common/check. */
    static Stream<String> schemaNames() {
        Path dir = resourceDir("schemas");
        return jsonFiles(dir, true).stream()
                .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                .map(n -> n.substring(0, n.length() - ".json".length()));
    }

    static Stream<Path> examples() {
        return jsonFiles(resourceDir("examples"), false).stream();
    }

    static Stream<Path> invalidExamples() {
        return jsonFiles(resourceDir("examples/invalid"), false).stream();
    }

    static String nameOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    static JsonNode read(Path file) {
        try {
            return Json.mapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Class<?> recordFor(String schemaName) {
        if (schemaName.equals(STATE_SCHEMA)) {
            return ClusterStateRecord.class;
        }
        return EventTypes.of(schemaName).orElseThrow(() -> new AssertionError("no ce_type " + schemaName)).dataClass();
    }

    static boolean isCommand(String schemaName) {
        return EventTypes.of(schemaName).filter(COMMANDS::contains).isPresent();
    }

    @ParameterizedTest
    @MethodSource("schemaNames")
    void everySchemaLoadsAndConstrains(String schema) {
        JsonNode schemaJson = read(resourceDir("schemas").resolve(schema + ".json"));
        assertThat(schemaJson.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schemaJson.path("$id").asText()).isEqualTo(SchemaValidator.SCHEMA_BASE + schema + ".json");
        // an empty object breaks every schema of the contract (required fields, or not even the right type)
        assertThat(SchemaValidator.violations(schema, Json.mapper().createObjectNode())).isNotEmpty();
    }

    @Test
    void thereAreSchemasAndExamplesToTest() {
        assertThat(schemaNames()).hasSizeGreaterThanOrEqualTo(EventTypes.values().length + 1);
        assertThat(examples()).hasSize(EventTypes.values().length + 1);
        assertThat(invalidExamples()).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventTypes.class)
    void everyTypeHasASchemaAndAnExample(EventTypes type) {
        assertThat(resourceDir("schemas").resolve(type.type() + ".json")).isRegularFile();
        assertThat(resourceDir("examples").resolve(type.type() + ".json")).isRegularFile();
        assertThat(read(resourceDir("schemas").resolve(type.type() + ".json")).path("title").asText())
                .as("schema title = record name").isEqualTo(type.dataClass().getSimpleName());
    }

    @Test
    void theStateTopicHasASchemaAndAnExample() {
        assertThat(resourceDir("schemas").resolve(STATE_SCHEMA + ".json")).isRegularFile();
        assertThat(resourceDir("examples").resolve(STATE_SCHEMA + ".json")).isRegularFile();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleValidatesAndMapsOntoItsRecord(Path file) {
        String schema = nameOf(file);
        JsonNode example = read(file);
        assertThat(SchemaValidator.violations(schema, example)).as(schema).isEmpty();
        assertThat(SchemaValidator.violations(schema, example.toString())).as(schema + " from text").isEmpty();

        Object record = Json.convert(example, recordFor(schema));
        JsonNode written = Json.tree(record);
        String published = schema;
        var legacy = EventTypes.of(schema).filter(EventTypes::legacy);
        if (legacy.isPresent()) {
            // a legacy v1 event is read, never written: what our record writes instead is the current
            // version (a legacy spec's external ID is dropped on the way)
            if (example.path("spec").has("externalId")) {
                assertThat(written.path("spec").has("externalId")).as("the external ID is not read").isFalse();
                example = example.deepCopy();
                ((ObjectNode) example.path("spec")).remove("externalId");
            }
            published = EventTypes.of(legacy.get().dataClass()).orElseThrow().type();
        }

        // producer side: what our records serialise to is valid
        assertThat(SchemaValidator.violations(published, written)).as("re-serialised " + schema).isEmpty();
        // and nothing of the example is lost on the way through the record
        assertThat(written).as("record round trip of " + schema).isEqualTo(example);
        assertThat(Json.convert(written, recordFor(schema))).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void everyInvalidExampleFailsItsSchema(Path file) {
        String name = nameOf(file);
        assertThat(name).contains("--");
        String schema = name.substring(0, name.indexOf("--"));
        assertThat(schemaNames()).as("schema named by " + name).contains(schema);
        assertThat(SchemaValidator.violations(schema, read(file))).as(name).isNotEmpty();
    }

    // ---- tolerant reader for events, strict commands ----

    /** JSON pointers of every object in the document, the root included. */
    static List<String> objectPointers(JsonNode node, String pointer) {
        List<String> pointers = new ArrayList<>();
        if (node.isObject()) {
            pointers.add(pointer);
            node.fields().forEachRemaining(f -> pointers.addAll(objectPointers(f.getValue(),
                    pointer + "/" + f.getKey().replace("~", "~0").replace("/", "~1"))));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pointers.addAll(objectPointers(node.get(i), pointer + "/" + i));
            }
        }
        return pointers;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void eventsTolerateUnknownFieldsAnywhereAndCommandsRejectThem(Path file) {
        String schema = nameOf(file);
        JsonNode example = read(file);
        List<String> pointers = objectPointers(example, "");
        assertThat(pointers).isNotEmpty();
        for (String pointer : pointers) {
            JsonNode copy = example.deepCopy();
            ObjectNode target = (ObjectNode) (pointer.isEmpty() ? copy : copy.at(pointer));
            target.put("addedInAFutureMinorVersion", "x");
            List<String> violations = SchemaValidator.violations(schema, copy);
            if (isCommand(schema)) {
                assertThat(violations).as("command %s with an unknown key at '%s'", schema, pointer).isNotEmpty();
            } else {
                assertThat(violations).as("event %s with an unknown field at '%s'", schema, pointer).isEmpty();
                // and the record still reads it, ignoring the field
                assertThat(Json.convert(copy, recordFor(schema))).isEqualTo(Json.convert(example, recordFor(schema)));
            }
        }
    }

    @Test
    void registerCommandWithAnUnknownKeyIsRejectedWithTheKeyNamed() {
        JsonNode command = read(resourceDir("examples").resolve("byoc.cluster.register.v1.json")).deepCopy();
        ((ObjectNode) command.at("/request/spec/driver/kubernetes/aws")).putArray("subnet_ids").add("subnet-0a1b2c3d");
        assertThat(SchemaValidator.violations("byoc.cluster.register.v1", command))
                .singleElement().asString().contains("subnet_ids");
    }

    // ---- timed-out ----

    static final String TIMED_OUT = EventTypes.TIMED_OUT.type();

    static ObjectNode timedOutWith(String field, String value) {
        ObjectNode event = read(resourceDir("examples").resolve(TIMED_OUT + ".json")).deepCopy();
        event.put(field, value);
        return event;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT30M", "PT1H30M", "PT48H", "PT90S", "P2D", "P1DT12H", "PT0S"})
    void timedOutTimeoutIsAnIsoDurationJavaReads(String timeout) {
        assertThat(SchemaValidator.violations(TIMED_OUT, timedOutWith("timeout", timeout))).isEmpty();
        assertThat(Duration.parse(timeout)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"30m", "1800", "P", "PT", "P1DT", "P1M", "P1Y", "P1W", "PT-5M", "-PT30M", "PT0.5S", "pt30m", " PT30M"})
    void timedOutTimeoutThatJavaCannotReadAsADurationIsRefused(String timeout) {
        assertThat(SchemaValidator.violations(TIMED_OUT, timedOutWith("timeout", timeout))).as(timeout).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "terminating"})
    void timedOutNamesOnlyTheStatusesThatTimeOut(String status) {
        assertThat(SchemaValidator.violations(TIMED_OUT, timedOutWith("status", status))).isEmpty();
        for (String other : List.of("queued", "running", "failed", "deleted", "PENDING", "stuck")) {
            assertThat(SchemaValidator.violations(TIMED_OUT, timedOutWith("status", other))).as(other).isNotEmpty();
        }
    }

    @Test
    void schemaStillCatchesWrongValuesInEvents() {
        JsonNode example = read(resourceDir("examples").resolve("byoc.cluster.requested.v1.json"));
        ObjectNode wrongType = example.deepCopy();
        wrongType.put("requestedAt", "yesterday");
        assertThat(SchemaValidator.violations("byoc.cluster.requested.v1", wrongType)).isNotEmpty();
        ObjectNode missing = example.deepCopy();
        ((ObjectNode) missing.path("spec")).remove("externalId");
        assertThat(SchemaValidator.violations("byoc.cluster.requested.v1", missing)).singleElement().asString()
                .contains("externalId");
    }
}
