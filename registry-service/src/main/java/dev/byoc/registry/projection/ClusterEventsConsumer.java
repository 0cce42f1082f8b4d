package dev.byoc.registry.projection;

import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.EventIntake;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Feeds byoc.cluster-events into the cluster view (invalid records to the DLQ, outages retried). */
@ApplicationScoped
public class ClusterEventsConsumer {
    private final ClusterViewProjector projector;
    private final EventIntake intake;
    private final dev.byoc.registry.outbox.OutboxRelay relay;

    ClusterEventsConsumer(ClusterViewProjector projector, EventIntake intake, dev.byoc.registry.outbox.OutboxRelay relay) {
        this.projector = projector;
        this.intake = intake;
        this.relay = relay;
    }

    /** One poll's records at a time, applied in log order in one transaction; acknowledged once it has committed. */
    @Incoming("cluster-events")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return intake.projectBatch(batch, EventTypes.CLUSTER_EVENTS, projector::apply, applied -> {
            // a validated rotation filled the outbox (the role switch's updated): publish it now, not at the fallback tick
            if (applied.stream().anyMatch(e -> e.event().data() instanceof dev.byoc.contracts.event.RotationValidated)) {
                relay.wake();
            }
            return Uni.createFrom().voidItem();
        });
    }
}
