package dev.byoc.monitor.kafka;

import dev.byoc.contracts.event.EventTypes;
import dev.byoc.monitor.watch.StatusFolder;
import dev.byoc.support.EventIntake;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Feeds byoc.cluster-events into the watch list (invalid records to the DLQ, outages retried). */
@ApplicationScoped
public class ClusterEventsConsumer {
    private final StatusFolder folder;
    private final EventIntake intake;

    ClusterEventsConsumer(StatusFolder folder, EventIntake intake) {
        this.folder = folder;
        this.intake = intake;
    }

    @Incoming("cluster-events")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        intake.project(record, EventTypes.CLUSTER_EVENTS, folder::apply);
    }
}
