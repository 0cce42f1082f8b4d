package dev.byoc.registry.projection;

import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.EventIntake;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Feeds byoc.cluster-events into the cluster view (invalid records to the DLQ, outages retried). */
@ApplicationScoped
public class ClusterEventsConsumer {
    private final ClusterViewProjector projector;
    private final EventIntake intake;

    ClusterEventsConsumer(ClusterViewProjector projector, EventIntake intake) {
        this.projector = projector;
        this.intake = intake;
    }

    @Incoming("cluster-events")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        intake.project(record, EventTypes.CLUSTER_EVENTS, projector::apply);
    }
}
