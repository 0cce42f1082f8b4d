package dev.byoc.registry.projection;

import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.EventIntake;
import io.smallrye.mutiny.Uni;
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

    /** One record at a time, in order; acknowledged once its transaction has committed. */
    @Incoming("cluster-events")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        return intake.project(record, EventTypes.CLUSTER_EVENTS, projector::apply);
    }
}
