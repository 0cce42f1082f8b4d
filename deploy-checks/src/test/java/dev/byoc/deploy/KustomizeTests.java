package dev.byoc.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.TopicSetup;
import dev.byoc.contracts.bus.BusPrincipals;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s rendered by {@code kubectl kustomize} for both overlays, every object read strictly by
 * its model (fabric8's Kubernetes model, Strimzi's api model the Strimzi CRDs are generated from),
 * and the values that are part of the contract compared with contracts' TopicSetup and BusPrincipals.
 */
class KustomizeTests {
    static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "Deployment", Deployment.class,
            "Service", Service.class,
            "ServiceAccount", ServiceAccount.class,
            "ConfigMap", ConfigMap.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "KafkaTopic", KafkaTopic.class,
            "KafkaUser", KafkaUser.class,
            "Kafka", Kafka.class,
            "KafkaNodePool", KafkaNodePool.class);
    static final List<String> SERVICES = List.of("registry", "provisioner", "monitor");
    static final String STRIMZI_V1 = "kafka.strimzi.io/v1";
    static final Set<String> STRIMZI_SERVED = Set.of(STRIMZI_V1, "kafka.strimzi.io/v1beta2");
    static final Map<String, Integer> MANAGEMENT_PORTS = Map.of("registry", 9080, "provisioner", 9081, "monitor", 9082);

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyRenderedObjectIsValidForItsSchema(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(overlay);
        List<String> problems = new ArrayList<>();
        for (ObjectNode object : objects) {
            problems.addAll(schemaProblems(object));
        }
        assertThat(problems).isEmpty();
        assertThat(kinds(objects)).containsAll(Set.of("Deployment", "Service", "PodDisruptionBudget", "ConfigMap",
                "ServiceAccount", "KafkaTopic", "KafkaUser", "Kafka", "KafkaNodePool"));
        String namespace = overlay.equals("dev") ? "byoc-dev" : "byoc";
        assertThat(objects).allSatisfy(o -> assertThat(o.at("/metadata/namespace").asText()).isEqualTo(namespace));
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("Secret"));
    }

    @Test
    void theSchemaCheckCatchesAMisspeltField() throws Exception {
        ObjectNode deployment = byKind(Kustomize.render("dev"), "Deployment").get(0).deepCopy();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("imagePullPolicyy", "Always");
        assertThat(schemaProblems(deployment)).anyMatch(p -> p.contains("imagePullPolicyy"));
        ObjectNode topic = byKind(Kustomize.render("dev"), "KafkaTopic").get(0).deepCopy();
        ((ObjectNode) topic.get("spec")).put("partition", 6);
        assertThat(schemaProblems(topic)).anyMatch(p -> p.contains("partition"));
        ObjectNode user = byKind(Kustomize.render("dev"), "KafkaUser").get(0).deepCopy();
        user.put("apiVersion", "kafka.strimzi.io/v1alpha1");
        assertThat(schemaProblems(user)).anyMatch(p -> p.contains("apiVersion"));
    }

    @Test
    void devRunsOneReplicaOfEachServiceAndProdThreeSpreadWithLimitsAndAutoscaling() throws Exception {
        List<ObjectNode> dev = Kustomize.render("dev");
        List<ObjectNode> prod = Kustomize.render("prod");
        for (String service : SERVICES) {
            JsonNode d = named(dev, "Deployment", "byoc-" + service);
            JsonNode p = named(prod, "Deployment", "byoc-" + service);
            assertThat(d.at("/spec/replicas").asInt()).as(service + " dev replicas").isEqualTo(1);
            assertThat(p.at("/spec/replicas").asInt()).as(service + " prod replicas").isEqualTo(3);
            JsonNode anti = p.at("/spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0");
            assertThat(anti.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
            assertThat(anti.at("/labelSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("byoc-" + service);
            JsonNode limits = p.at("/spec/template/spec/containers/0/resources/limits");
            assertThat(limits.path("cpu").asText()).isNotEmpty();
            assertThat(limits.path("memory").asText()).isNotEmpty();
            JsonNode hpa = named(prod, "HorizontalPodAutoscaler", "byoc-" + service);
            assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("byoc-" + service);
            assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(3);
            assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
            assertThat(hpa.at("/spec/maxReplicas").asInt()).as("no more replicas than byoc.cluster-events partitions")
                    .isLessThanOrEqualTo(servicePartitions().events());
        }
        assertThat(byKind(dev, "HorizontalPodAutoscaler")).isEmpty();
        // a dev PDB must not block a drain of the one replica
        assertThat(byKind(dev, "PodDisruptionBudget")).allSatisfy(pdb -> assertThat(pdb.at("/spec/minAvailable").isMissingNode()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesUseTheManagementPortAndImagesComeFromTheKustomization(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(overlay);
        for (String service : SERVICES) {
            JsonNode container = named(objects, "Deployment", "byoc-" + service).at("/spec/template/spec/containers/0");
            int management = -1;
            for (JsonNode port : container.path("ports")) {
                if (port.path("name").asText().equals("management")) {
                    management = port.path("containerPort").asInt();
                }
            }
            assertThat(management).as(service + " management port").isEqualTo(MANAGEMENT_PORTS.get(service));
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(service + " " + probe).isEqualTo("management");
                assertThat(container.at("/" + probe + "/httpGet/path").asText()).startsWith("/q/health/");
            }
            assertThat(container.path("image").asText()).as(service + " image")
                    .matches("registry\\.example\\.com/byoc/" + service + "-service(:[\\w.-]+|@sha256:[0-9a-f]{64})");
        }
        // no Service exposes a management port
        for (JsonNode svc : byKind(objects, "Service")) {
            for (JsonNode port : svc.at("/spec/ports")) {
                assertThat(MANAGEMENT_PORTS.values()).doesNotContain(port.path("port").asInt());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void topicsHaveTheContractsPartitionsRetentionAndCompaction(String overlay) throws Exception {
        List<ObjectNode> topics = byKind(Kustomize.render(overlay), "KafkaTopic");
        List<NewTopic> expected = TopicSetup.topics(servicePartitions());
        assertThat(topics).extracting(t -> t.at("/spec/topicName").asText())
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(NewTopic::name).toList());
        for (NewTopic want : expected) {
            JsonNode topic = topics.stream().filter(t -> t.at("/spec/topicName").asText().equals(want.name())).findFirst().orElseThrow();
            assertThat(topic.at("/spec/partitions").asInt()).as(want.name() + " partitions").isEqualTo(want.numPartitions());
            Map<String, String> config = new HashMap<>();
            topic.at("/spec/config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            Map<String, String> wanted = want.configs() == null ? Map.of() : want.configs();
            assertThat(config).as(want.name() + " config").containsAllEntriesOf(wanted);
            Set<String> extra = new TreeSet<>(config.keySet());
            extra.removeAll(wanted.keySet());
            assertThat(extra).as(want.name() + ": only replication settings beyond the contract's").isSubsetOf("min.insync.replicas");
            assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("byoc");
        }
    }

    @Test
    void kafkaUsersGrantExactlyTheAclsOfBusPrincipals() throws Exception {
        Set<String> expected = new TreeSet<>();
        for (AclBinding acl : BusPrincipals.acls()) {
            expected.add(acl.entry().principal().substring("User:".length()) + " " + acl.pattern().resourceType().name().toLowerCase()
                    + " " + acl.pattern().name() + " " + acl.pattern().patternType().name().toLowerCase() + " "
                    + acl.entry().operation().name().toLowerCase());
        }
        List<ObjectNode> users = byKind(Kustomize.render("prod"), "KafkaUser");
        assertThat(users).extracting(u -> u.at("/metadata/name").asText())
                .containsExactlyInAnyOrderElementsOf(BusPrincipals.ALL.stream().map(BusPrincipals.Principal::name).toList());
        Set<String> granted = new TreeSet<>();
        for (JsonNode user : users) {
            assertThat(user.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
            assertThat(user.at("/spec/authorization/type").asText()).isEqualTo("simple");
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                assertThat(acl.path("type").asText("allow")).isEqualTo("allow");
                for (JsonNode op : acl.path("operations")) {
                    granted.add(user.at("/metadata/name").asText() + " " + acl.at("/resource/type").asText() + " "
                            + acl.at("/resource/name").asText() + " " + acl.at("/resource/patternType").asText("literal") + " "
                            + op.asText().toLowerCase());
                }
            }
        }
        assertThat(granted).isEqualTo(expected);
    }

    @Test
    void theDeploymentsLogInAsTheirOwnPrincipal() throws Exception {
        List<ObjectNode> objects = Kustomize.render("prod");
        for (String service : SERVICES) {
            JsonNode env = named(objects, "Deployment", "byoc-" + service).at("/spec/template/spec/containers/0/env");
            Map<String, JsonNode> byName = new HashMap<>();
            env.forEach(e -> byName.put(e.path("name").asText(), e));
            assertThat(byName.get("KAFKA_SASL_USERNAME").path("value").asText()).isEqualTo("byoc-" + service);
            assertThat(byName.get("KAFKA_SASL_PASSWORD").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("byoc-" + service);
            assertThat(byName.get("BYOC_EXTERNAL_ID_SECRET").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("byoc-secrets");
        }
    }

    /** The partitions every service creates the topics with (byoc.topics.* in their application.properties). */
    static TopicSetup.Partitions servicePartitions() throws IOException {
        TopicSetup.Partitions agreed = null;
        for (String service : SERVICES) {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(Repo.path(service + "-service/src/main/resources/application.properties"))) {
                p.load(reader);
            }
            TopicSetup.Partitions mine = new TopicSetup.Partitions(
                    Integer.parseInt(p.getProperty("byoc.topics.cluster-events.partitions", "6")),
                    Integer.parseInt(p.getProperty("byoc.topics.cluster-events-dlq.partitions", "3")),
                    Integer.parseInt(p.getProperty("byoc.topics.cluster-commands.partitions", "3")),
                    Integer.parseInt(p.getProperty("byoc.topics.cluster-state.partitions", "6")), (short) 3);
            assertThat(agreed == null || agreed.equals(mine)).as(service + " creates the topics like the others").isTrue();
            agreed = mine;
        }
        return agreed;
    }

    static List<String> schemaProblems(ObjectNode object) {
        String kind = object.path("kind").asText();
        String name = kind + "/" + object.at("/metadata/name").asText();
        Class<? extends HasMetadata> model = MODELS.get(kind);
        if (model == null) {
            return List.of(name + ": no schema known for kind " + kind);
        }
        List<String> problems = new ArrayList<>();
        String apiVersion = HasMetadata.getApiVersion(model);
        // Strimzi 0.49 to 0.51 serve kafka.strimzi.io v1 and v1beta2 (same shape for what we use; their
        // Java model is on v1beta2 for Kafka and KafkaNodePool, v1 for KafkaTopic and KafkaUser); 1.x only v1
        Set<String> accepted = model.getPackageName().startsWith("io.strimzi") ? STRIMZI_SERVED : Set.of(apiVersion);
        if (!accepted.contains(object.path("apiVersion").asText())) {
            problems.add(name + ": apiVersion " + object.path("apiVersion").asText() + ", the schema's is " + accepted);
        }
        if (model.getPackageName().startsWith("io.strimzi") && !object.path("apiVersion").asText().equals(STRIMZI_V1)) {
            problems.add(name + ": use " + STRIMZI_V1 + " (the only version Strimzi 1.x serves)");
        }
        try {
            HasMetadata parsed = Kustomize.YAML.treeToValue(object, model);
            Kustomize.unknownFields(parsed).forEach(f -> problems.add(name + ": unknown field " + f));
        } catch (Exception e) {
            problems.add(name + ": " + e.getMessage());
        }
        return problems;
    }

    static List<ObjectNode> byKind(List<ObjectNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    static JsonNode named(List<ObjectNode> objects, String kind, String name) {
        return byKind(objects, kind).stream().filter(o -> o.at("/metadata/name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static Set<String> kinds(List<ObjectNode> objects) {
        Set<String> kinds = new TreeSet<>();
        objects.forEach(o -> kinds.add(o.path("kind").asText()));
        return kinds;
    }
}
