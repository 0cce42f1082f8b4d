package dev.byoc.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the contract's topics when missing, with the partitions, retention and compaction of
 * DESIGN §3. Every service calls it at start; whoever comes first creates, the rest find them.
 */
public final class TopicSetup {
    public record Partitions(int events, int dlq, int commands, int state, short replicationFactor) {
    }

    private TopicSetup() {
    }

    public static List<NewTopic> topics(Partitions p) {
        return List.of(
                new NewTopic(Topics.CLUSTER_EVENTS, p.events(), p.replicationFactor())
                        .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")),
                new NewTopic(Topics.CLUSTER_EVENTS_DLQ, p.dlq(), p.replicationFactor())
                        .configs(Map.of("retention.ms", "-1")),
                new NewTopic(Topics.CLUSTER_COMMANDS, p.commands(), p.replicationFactor()),
                new NewTopic(Topics.CLUSTER_STATE, p.state(), p.replicationFactor())
                        .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")));
    }

    /** Returns the topics it created. */
    public static List<String> ensure(String bootstrapServers, Partitions partitions) throws Exception {
        return ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), partitions);
    }

    /** @param connection bootstrap servers and, on a secured broker, the client's security settings */
    public static List<String> ensure(Map<String, Object> connection, Partitions partitions) throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(connection);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = topics(partitions).stream().filter(t -> !existing.contains(t.name())).toList();
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
                    created.add(topic.name());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return created;
        }
    }
}
