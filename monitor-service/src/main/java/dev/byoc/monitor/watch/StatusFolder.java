package dev.byoc.monitor.watch;

import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.ClusterStateRecord;
import dev.byoc.contracts.event.CommandRejected;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.lifecycle.ClusterState;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.StateMachine;
import dev.byoc.monitor.kafka.Announcements;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.ProjectionStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The live path into the watch list. Each event is folded with the shared state machine (via the
 * projection engine); when the status changes, status-changed (id derived from the cause's id)
 * and the fleet state record are recorded in the same transaction as the fold and published by
 * {@link Announcements} once it has committed: nothing is announced that is not stored, and nothing
 * stored is left unannounced. A rebuild folds the same events without announcing anything.
 */
@ApplicationScoped
public class StatusFolder {
    private static final Logger LOG = Logger.getLogger(StatusFolder.class);
    private final WatchList watchList;
    private final Announcements announcements;
    private final MeterRegistry metrics;
    private final WatchListProjection projection;
    private final ProjectionStore<WatchedCluster> store;

    StatusFolder(WatchList watchList, Announcements announcements, MeterRegistry metrics, dev.byoc.monitor.MonitorConfig config) {
        this.watchList = watchList;
        this.announcements = announcements;
        this.metrics = metrics;
        this.projection = new WatchListProjection(
                new StateMachine(new StateMachine.Thresholds(config.healthyToRecover(), config.unhealthyToFail())));
        this.store = new ProjectionStore<>(projection);
    }

    public ProjectionStore<WatchedCluster> store() {
        return store;
    }

    /** A consumer's batch, in log order, in the caller's transaction. @return the events applied for the first time */
    public Uni<List<ProjectedEvent>> apply(Mutiny.Session session, List<ProjectedEvent> events) {
        Map<UUID, Instant> firstPolls = new HashMap<>();
        return store.applyLive(session, events, (before, after, e) -> afterFold(session, before, after, e, firstPolls))
                .call(() -> watchList.schedule(firstPolls));
    }

    private Uni<Void> afterFold(Mutiny.Session session, WatchedCluster before, WatchedCluster after, ProjectedEvent event,
            Map<UUID, Instant> firstPolls) {
        if (after == before) {
            boolean ours = event.event().data() instanceof StatusChanged || event.event().data() instanceof CommandRejected;
            if (!ours || before != null) {
                metrics.counter("byoc_monitor_illegal_transitions_total", "type", event.event().type().type(),
                        "from", before == null ? "none" : before.state().status().wire()).increment();
            }
            return Uni.createFrom().voidItem();
        }
        if (before != null && before.partition() != event.partition()) {
            // a producer keyed the cluster with another partitioner (librdkafka's CRC32): its events lose
            // their order across the two partitions and the replica polling it changes
            metrics.counter("byoc_monitor_partition_moves_total").increment();
            LOG.warnf("cluster %s: event %s arrived on partition %d, earlier ones on %d; producers must use the "
                    + "murmur2 partitioner (kcat: -X topic.partitioner=murmur2_random)", event.key(), event.id(),
                    event.partition(), before.partition());
        }
        ClusterStatus from = before == null ? null : before.state().status();
        Uni<Void> effects = from != after.state().status() ? announce(session, from, after, event)
                : Uni.createFrom().voidItem();
        if (event.event().data() instanceof Validated) {
            // the first observation right after validation, written with the batch's others in one statement
            firstPolls.put(after.clusterId(), event.time());
        }
        return effects;
    }

    /** Recorded in the fold's transaction; {@link Announcements} publishes it once that has committed. */
    private Uni<Void> announce(Mutiny.Session session, ClusterStatus from, WatchedCluster next, ProjectedEvent cause) {
        String id = EventIds.derived(cause.id(), EventTypes.STATUS_CHANGED.type());
        ClusterState to = next.state();
        Uni<Void> changed = announcements.event(session, id, next.clusterId(), new StatusChanged(next.clusterId(), next.name(),
                from, to.status(), to.reason(), to.reasonCode(), cause.id(), cause.time()), cause.time());
        return changed.chain(() -> to.status() == ClusterStatus.DELETED
                ? announcements.tombstone(session, next.clusterId(), cause.time())
                : announcements.state(session, new ClusterStateRecord(next.clusterId(), next.name(), next.owner(), to.status(),
                        to.reason(), next.spec().region(), next.spec().eksClusterName(), id, cause.time())))
                .invoke(() -> metrics.counter("byoc_monitor_status_changes_total",
                        "from", from == null ? "none" : from.wire(), "to", to.status().wire()).increment());
    }
}
