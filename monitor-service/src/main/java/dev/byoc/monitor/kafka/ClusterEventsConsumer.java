package dev.byoc.monitor.kafka;

import dev.byoc.contracts.event.EventTypes;
import dev.byoc.monitor.health.HealthPoller;
import dev.byoc.monitor.watch.StatusFolder;
import dev.byoc.support.EventIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Feeds byoc.cluster-events into the watch list (invalid records to the DLQ, outages retried). */
@ApplicationScoped
public class ClusterEventsConsumer {
    private final StatusFolder folder;
    private final EventIntake intake;
    private final Announcements announcements;
    private final HealthPoller poller;

    ClusterEventsConsumer(StatusFolder folder, EventIntake intake, Announcements announcements, HealthPoller poller) {
        this.folder = folder;
        this.intake = intake;
        this.announcements = announcements;
        this.poller = poller;
    }

    /**
     * One record at a time, in order; acknowledged once its transaction has committed and what it
     * announced has been published (or left to the relay, when the broker would not take it).
     */
    @Incoming("cluster-events")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        return intake.project(record, EventTypes.CLUSTER_EVENTS, folder::apply)
                .chain(() -> announcements.drainIfPending(record.key()))
                .invoke(() -> {
                    if (validated(record)) {
                        poller.pollSoon(); // its first poll was scheduled for now by the fold
                    }
                });
    }

    private static boolean validated(ConsumerRecord<String, String> record) {
        var type = record.headers().lastHeader("ce_type");
        return type != null && EventTypes.VALIDATED.type().equals(new String(type.value(), StandardCharsets.UTF_8));
    }
}
