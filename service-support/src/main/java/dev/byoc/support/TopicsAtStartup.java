package dev.byoc.support;

import dev.byoc.contracts.TopicSetup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Every service creates the contract topics at start when missing (partitions from its config). */
@ApplicationScoped
public class TopicsAtStartup {
    private static final Logger LOG = Logger.getLogger(TopicsAtStartup.class);

    void onStart(@Observes @Priority(1) StartupEvent event,
            KafkaConnection kafka,
            @ConfigProperty(name = "byoc.topics.cluster-events.partitions", defaultValue = "6") int events,
            @ConfigProperty(name = "byoc.topics.cluster-events-dlq.partitions", defaultValue = "3") int dlq,
            @ConfigProperty(name = "byoc.topics.cluster-commands.partitions", defaultValue = "3") int commands,
            @ConfigProperty(name = "byoc.topics.cluster-state.partitions", defaultValue = "6") int state,
            @ConfigProperty(name = "byoc.topics.replication-factor", defaultValue = "1") short replication) {
        try {
            List<String> created = TopicSetup.ensure(kafka.settings(),
                    new TopicSetup.Partitions(events, dlq, commands, state, replication));
            if (!created.isEmpty()) {
                LOG.infof("created topics %s", created);
            }
        } catch (Exception e) {
            // not fatal: readiness reports Kafka, and the consumers keep retrying
            LOG.warnf("could not ensure topics on %s: %s", kafka.bootstrapServers(), e.getMessage());
        }
    }
}
