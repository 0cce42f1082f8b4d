package dev.byoc.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.byoc.contracts.event.EventTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** contracts/asyncapi.yaml: parses, describes every topic and message, and every reference resolves. */
class AsyncApiTests {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Path moduleDir;
    static Path asyncApiFile;
    static Path schemaDir;
    static JsonNode doc;

    /** One {@code $ref}: the file it appears in and its value. */
    record Ref(Path in, String value) {
    }

    @BeforeAll
    static void load() throws IOException {
        moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        asyncApiFile = moduleDir.resolve("asyncapi.yaml");
        schemaDir = moduleDir.resolve("src/main/resources/schemas");
        assertThat(asyncApiFile).as("run from the contracts module").isRegularFile();
        doc = YAML.readTree(asyncApiFile.toFile());
    }

    static JsonNode readAny(Path file) {
        try {
            return file.toString().endsWith(".yaml") ? YAML.readTree(file.toFile()) : Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> refsIn(JsonNode node) {
        List<String> refs = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref") && f.getValue().isTextual()) {
                    refs.add(f.getValue().textValue());
                } else {
                    refs.addAll(refsIn(f.getValue()));
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> refs.addAll(refsIn(item)));
        }
        return refs;
    }

    /** Every $ref reachable from asyncapi.yaml, following relative file refs into the schema files. */
    static List<Ref> reachableRefs() {
        List<Ref> all = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        Deque<Path> files = new ArrayDeque<>(List.of(asyncApiFile));
        while (!files.isEmpty()) {
            Path file = files.pop().normalize();
            if (!seen.add(file) || !Files.isRegularFile(file)) {
                continue;
            }
            for (String ref : refsIn(readAny(file))) {
                all.add(new Ref(file, ref));
                String target = ref.contains("#") ? ref.substring(0, ref.indexOf('#')) : ref;
                if (!target.isEmpty() && !target.contains("://")) {
                    files.push(file.getParent().resolve(target));
                }
            }
        }
        return all;
    }

    static Path targetFile(Ref ref) {
        String target = ref.value().contains("#") ? ref.value().substring(0, ref.value().indexOf('#')) : ref.value();
        return target.isEmpty() ? ref.in() : ref.in().getParent().resolve(target).normalize();
    }

    @Test
    void isAnAsyncApi3Document() {
        assertThat(doc.path("asyncapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        assertThat(doc.path("channels").isObject()).isTrue();
        assertThat(doc.path("operations").isObject()).isTrue();
    }

    @Test
    void everyTopicOfTheDesignIsAChannel() {
        Set<String> addresses = new HashSet<>();
        doc.path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));
        assertThat(addresses).containsExactlyInAnyOrder(
                "byoc.cluster-events", "byoc.cluster-commands", "byoc.cluster-state", "byoc.cluster-events.dlq");
        assertThat(addresses).containsExactlyInAnyOrder(
                Topics.CLUSTER_EVENTS, Topics.CLUSTER_COMMANDS, Topics.CLUSTER_STATE, Topics.CLUSTER_EVENTS_DLQ);
    }

    /** The ce_types (message names) a channel carries, following its message refs. */
    static Set<String> messageNames(String address) {
        JsonNode channel = null;
        for (JsonNode c : doc.path("channels")) {
            if (c.path("address").asText().equals(address)) {
                channel = c;
            }
        }
        assertThat(channel).as(address).isNotNull();
        Set<String> names = new HashSet<>();
        channel.path("messages").forEach(m -> {
            JsonNode message = m.has("$ref") ? doc.at(m.path("$ref").asText().substring(1)) : m;
            names.add(message.path("name").asText());
        });
        return names;
    }

    @Test
    void channelsCarryExactlyTheContractsTypes() {
        assertThat(messageNames(Topics.CLUSTER_EVENTS))
                .containsExactlyInAnyOrderElementsOf(EventTypes.CLUSTER_EVENTS.stream().map(EventTypes::type).toList());
        assertThat(messageNames(Topics.CLUSTER_COMMANDS)).containsExactlyInAnyOrder(
                EventTypes.REGISTER_COMMAND.type(), EventTypes.UPDATE_COMMAND.type(), EventTypes.DELETE_COMMAND.type());
        assertThat(messageNames(Topics.CLUSTER_STATE)).contains("byoc.cluster-state.v1");
        assertThat(messageNames(Topics.CLUSTER_EVENTS_DLQ)).hasSize(1);
    }

    @Test
    void everyTypedMessagePayloadIsItsOwnSchemaFile() {
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        doc.path("components").path("messages").forEach(m -> byName.put(m.path("name").asText(), m));
        List<String> types = Stream.concat(Stream.of(EventTypes.values()).map(EventTypes::type), Stream.of("byoc.cluster-state.v1"))
                .toList();
        for (String type : types) {
            assertThat(byName).as("message for " + type).containsKey(type);
            String payloadRef = byName.get(type).path("payload").path("$ref").asText();
            assertThat(payloadRef).as("payload of " + type).isEqualTo("./src/main/resources/schemas/" + type + ".json");
        }
    }

    @Test
    void everySchemaFileIsReferenced() throws IOException {
        Set<Path> referenced = reachableRefs().stream().map(AsyncApiTests::targetFile).collect(Collectors.toSet());
        Set<Path> direct = refsIn(doc).stream().map(r -> targetFile(new Ref(asyncApiFile, r))).collect(Collectors.toSet());
        List<Path> schemaFiles;
        try (Stream<Path> files = Files.walk(schemaDir)) {
            schemaFiles = files.filter(p -> p.toString().endsWith(".json")).map(Path::normalize).sorted().toList();
        }
        assertThat(schemaFiles).isNotEmpty();
        for (Path schema : schemaFiles) {
            assertThat(referenced).as("%s is referenced from asyncapi.yaml (directly or through another schema)",
                    moduleDir.relativize(schema)).contains(schema);
            if (schema.getParent().equals(schemaDir.normalize())) {
                assertThat(direct).as("top-level schema %s is a message payload", schema.getFileName()).contains(schema);
            }
        }
    }

    @Test
    void everyRefResolves() {
        List<Ref> refs = reachableRefs();
        assertThat(refs).hasSizeGreaterThan(30);
        for (Ref ref : refs) {
            String where = moduleDir.relativize(ref.in()) + ": " + ref.value();
            assertThat(ref.value()).as(where).doesNotContain("://");
            Path target = targetFile(ref);
            assertThat(target).as(where).isRegularFile();
            String fragment = ref.value().contains("#") ? ref.value().substring(ref.value().indexOf('#') + 1) : "";
            if (!fragment.isEmpty()) {
                assertThat(fragment).as(where).startsWith("/");
                assertThat(readAny(target).at(fragment).isMissingNode()).as(where + " points at something").isFalse();
            }
        }
    }
}
