package dev.byoc.monitor.kafka;

import dev.byoc.contracts.TopicSetup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Creates the contract topics at start when missing. */
@ApplicationScoped
public class Topics {
    private static final Logger LOG = Logger.getLogger(Topics.class);

    void onStart(@Observes @Priority(1) StartupEvent event,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            @ConfigProperty(name = "byoc.topics.cluster-events.partitions") int events,
            @ConfigProperty(name = "byoc.topics.cluster-events-dlq.partitions") int dlq,
            @ConfigProperty(name = "byoc.topics.cluster-commands.partitions") int commands,
            @ConfigProperty(name = "byoc.topics.cluster-state.partitions") int state,
            @ConfigProperty(name = "byoc.topics.replication-factor") short replication) {
        try {
            TopicSetup.ensure(bootstrap, new TopicSetup.Partitions(events, dlq, commands, state, replication));
        } catch (Exception e) {
            LOG.warnf("could not ensure topics on %s: %s", bootstrap, e.getMessage());
        }
    }
}
