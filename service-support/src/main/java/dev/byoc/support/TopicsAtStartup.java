package dev.byoc.support;

import dev.byoc.contracts.TopicSetup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/** Every service creates the contract topics at start when missing (partitions from {@link TopicsConfig}). */
@ApplicationScoped
public class TopicsAtStartup {
    private static final Logger LOG = Logger.getLogger(TopicsAtStartup.class);

    void onStart(@Observes @Priority(1) StartupEvent event,
            KafkaConnection kafka, TopicsConfig topics) {
        try {
            List<String> created = TopicSetup.ensure(kafka.settings(), new TopicSetup.Partitions(
                    topics.clusterEventsPartitions(), topics.clusterEventsDlqPartitions(),
                    topics.clusterCommandsPartitions(), topics.clusterStatePartitions(), topics.replicationFactor()));
            if (!created.isEmpty()) {
                LOG.infof("created topics %s", created);
            }
        } catch (Exception e) {
            // not fatal: readiness reports Kafka, and the consumers keep retrying
            LOG.warnf("could not ensure topics on %s: %s", kafka.bootstrapServers(), e.getMessage());
        }
    }
}
