package dev.byoc.monitor.kafka;

import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.Validated;
import dev.byoc.monitor.health.HealthPoller;
import dev.byoc.monitor.watch.StatusFolder;
import dev.byoc.support.EventIntake;
import dev.byoc.support.projection.ProjectedEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
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
     * One poll's records at a time, folded in log order in one transaction; acknowledged once it
     * has committed and what it announced has been published (or left to the relay, when the
     * broker would not take it).
     */
    @Incoming("cluster-events")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return intake.projectBatch(batch, EventTypes.CLUSTER_EVENTS, folder::apply, this::afterCommit);
    }

    private Uni<Void> afterCommit(List<ProjectedEvent> applied) {
        return announcements.drainPending(applied.stream().map(ProjectedEvent::key).filter(Objects::nonNull).toList())
                .invoke(() -> {
                    if (applied.stream().anyMatch(e -> e.event().data() instanceof Validated)) {
                        poller.pollSoon(); // their first polls were scheduled for now by the fold
                    }
                });
    }
}
