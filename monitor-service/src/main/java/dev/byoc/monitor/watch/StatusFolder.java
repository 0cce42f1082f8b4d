package dev.byoc.monitor.watch;

import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterStateRecord;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.lifecycle.ClusterState;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.StateMachine;
import dev.byoc.contracts.lifecycle.Transition;
import dev.byoc.monitor.kafka.Publisher;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Folds each cluster's events with the shared state machine and, when the status changes,
 * publishes status-changed (id derived from the cause's id) and the fleet state record — before
 * the transaction commits, so a crash republishes the same ids rather than losing a change.
 */
@ApplicationScoped
public class StatusFolder {
    private final WatchList watchList;
    private final Publisher publisher;
    private final StateMachine machine;
    private final MeterRegistry metrics;

    StatusFolder(WatchList watchList, Publisher publisher, MeterRegistry metrics,
            @ConfigProperty(name = "byoc.monitor.healthy-to-recover") int healthyToRecover,
            @ConfigProperty(name = "byoc.monitor.unhealthy-to-fail") int unhealthyToFail) {
        this.watchList = watchList;
        this.publisher = publisher;
        this.metrics = metrics;
        this.machine = new StateMachine(new StateMachine.Thresholds(healthyToRecover, unhealthyToFail));
    }

    /** @return false when the event was a duplicate */
    @Transactional
    public boolean apply(IncomingEvent.Accepted event, int partition, long offset) throws SQLException {
        if (!watchList.markProcessed(event.id())) {
            return false;
        }
        if (!event.json().path("clusterId").isTextual()) {
            return true; // a rejected command that named no cluster carries no fact about one
        }
        UUID clusterId = UUID.fromString(event.json().path("clusterId").asText());
        Optional<WatchedCluster> existing = watchList.lock(clusterId);
        if (existing.isEmpty() && !(event.data() instanceof ClusterRequested)) {
            if (!(event.data() instanceof StatusChanged) && event.type() != EventTypes.COMMAND_REJECTED) {
                metrics.counter("byoc_monitor_illegal_transitions_total", "type", event.type().type(), "from", "none").increment();
            }
            return true;
        }
        EventData data = event.data();
        ClusterState state = existing.map(WatchedCluster::state).orElse(ClusterState.initial(clusterId));
        Transition transition = machine.apply(state, data);
        if (!transition.legal()) {
            metrics.counter("byoc_monitor_illegal_transitions_total", "type", event.type().type(),
                    "from", state.status() == null ? "none" : state.status().wire()).increment();
            return true;
        }
        ClusterSpec spec = specOf(data).orElseGet(() -> existing.map(WatchedCluster::spec).orElseThrow());
        String name = existing.map(WatchedCluster::name).orElse(transition.next().name());
        String owner = existing.map(WatchedCluster::owner).orElseGet(() -> ((ClusterRequested) data).owner());
        Instant now = Instant.now();
        WatchedCluster next = new WatchedCluster(clusterId, name, owner, partition, transition.next(), spec,
                transition.statusChanged() || existing.isEmpty() ? now : existing.get().statusSince(),
                data instanceof HealthObserved observed ? observed.eksStatus().name()
                        : existing.map(WatchedCluster::lastObservation).orElse(null),
                offset);
        if (transition.statusChanged()) {
            announce(EventIds.derived(event.id(), EventTypes.STATUS_CHANGED.type()), event.id(), transition, next, now);
        }
        // the first observation comes right after validation, not one interval later
        watchList.save(next, event.id(), data instanceof Validated ? now : null);
        return true;
    }

    /** The monitor's clock: still pending/terminating after the timeout. */
    @Transactional
    public void timeOut(UUID clusterId, ClusterStatus expected, Duration timeout, String reason) throws SQLException {
        Optional<WatchedCluster> locked = watchList.lock(clusterId);
        if (locked.isEmpty() || locked.get().state().status() != expected
                || locked.get().statusSince().isAfter(Instant.now().minus(timeout))) {
            return;
        }
        WatchedCluster cluster = locked.get();
        Transition transition = machine.timedOut(cluster.state(), reason);
        Instant now = Instant.now();
        WatchedCluster next = new WatchedCluster(clusterId, cluster.name(), cluster.owner(), cluster.partition(),
                transition.next(), cluster.spec(), now, cluster.lastObservation(), cluster.lastOffset());
        // derived from the state it left, so a retried timeout publishes the same id
        String cause = EventIds.derived(clusterId + "@" + cluster.statusSince(), "timeout");
        announce(EventIds.derived(cause, EventTypes.STATUS_CHANGED.type()), cause, transition, next, now);
        watchList.save(next, null, null);
    }

    private void announce(String id, String causeId, Transition transition, WatchedCluster next, Instant now) {
        ClusterState to = transition.next();
        publisher.event(id, next.clusterId(), new StatusChanged(next.clusterId(), next.name(), transition.previous().status(),
                to.status(), to.reason(), causeId, now));
        if (to.status() == ClusterStatus.DELETED) {
            publisher.tombstone(next.clusterId());
        } else {
            publisher.state(new ClusterStateRecord(next.clusterId(), next.name(), next.owner(), to.status(), to.reason(),
                    next.spec().region(), next.spec().eksClusterName(), next.spec().externalIdHint(), id, now));
        }
        metrics.counter("byoc_monitor_status_changes_total", "from",
                transition.previous().status() == null ? "none" : transition.previous().status().wire(),
                "to", to.status().wire()).increment();
    }

    private static Optional<ClusterSpec> specOf(EventData data) {
        if (data instanceof ClusterRequested r) {
            return Optional.of(r.spec());
        }
        if (data instanceof ClusterUpdated u) {
            return Optional.of(u.spec());
        }
        if (data instanceof ClusterDeleted d) {
            return Optional.of(d.spec());
        }
        return Optional.empty();
    }

}
