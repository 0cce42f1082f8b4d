package dev.byoc.monitor.watch;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.event.TimedOut;
import dev.byoc.contracts.lifecycle.ClusterState;
import dev.byoc.contracts.lifecycle.StateMachine;
import dev.byoc.contracts.lifecycle.Transition;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.Projection;
import dev.byoc.support.projection.ProjectionRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The watch list as a projection: each cluster's events folded with the shared state machine.
 * Everything in a row comes from the log — "status since" is the time of the event that set the
 * status, timeouts arrive as timed-out events — so a rebuild from offset 0 gives the same rows.
 * The poll schedule is runtime state and lives apart ({@code poll_schedule}).
 */
public final class WatchListProjection implements Projection<WatchedCluster> {
    public static final String NAME = "watch-list";
    static final String COLUMNS = "w.cluster_id, w.name, w.owner, w.kafka_partition, w.state::text, w.spec::text, "
            + "w.status_since, w.last_observation, w.last_event_id::text, w.last_offset";

    private final StateMachine machine;

    public WatchListProjection(StateMachine machine) {
        this.machine = machine;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What the state machine makes of the event; a timeout for an earlier stay in the status is stale. */
    public Transition transition(WatchedCluster current, ProjectedEvent event) {
        EventData data = event.event().data();
        ClusterState state = current == null ? ClusterState.initial(event.key()) : current.state();
        if (data instanceof TimedOut timedOut && current != null && !timedOut.statusSince().equals(current.statusSince())) {
            return new Transition(state, state, true); // legal: the cluster left that stay before the deadline
        }
        return machine.apply(state, data);
    }

    @Override
    public WatchedCluster fold(WatchedCluster current, ProjectedEvent event) {
        EventData data = event.event().data();
        if (current == null && !(data instanceof ClusterRequested)) {
            return null;
        }
        Transition transition = transition(current, event);
        if (!transition.legal()) {
            return current;
        }
        ClusterSpec spec = specOf(data).orElseGet(() -> current.spec());
        return new WatchedCluster(event.key(),
                current == null ? transition.next().name() : current.name(),
                current == null ? ((ClusterRequested) data).owner() : current.owner(),
                event.partition(), transition.next(), spec,
                current == null || transition.statusChanged() ? event.time() : current.statusSince(),
                data instanceof HealthObserved observed ? observed.eksStatus().name()
                        : current == null ? null : current.lastObservation(),
                event.id(), event.offset());
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

    @Override
    public Map<UUID, WatchedCluster> load(Connection c, int version, Set<UUID> keys) throws SQLException {
        return ProjectionRows.forUpdate(c, "select " + COLUMNS + " from watch_list w "
                + "where w.version = ? and w.cluster_id = any (?) for update", version, keys, WatchListProjection::read);
    }

    static WatchedCluster read(ResultSet r) throws SQLException {
        return new WatchedCluster(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getInt(4),
                Json.read(r.getString(5), ClusterState.class), Json.read(r.getString(6), ClusterSpec.class),
                r.getTimestamp(7).toInstant(), r.getString(8), r.getString(9), r.getLong(10));
    }

    @Override
    public void store(Connection c, int version, Map<UUID, WatchedCluster> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into watch_list (version, cluster_id, name, owner, kafka_partition, state, spec, status, status_since,
                                        last_observation, last_event_id, last_offset)
                values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::uuid, ?)
                on conflict (version, cluster_id) do update set name = excluded.name,
                    kafka_partition = excluded.kafka_partition, state = excluded.state, spec = excluded.spec,
                    status = excluded.status, status_since = excluded.status_since,
                    last_observation = excluded.last_observation, last_event_id = excluded.last_event_id,
                    last_offset = excluded.last_offset""")) {
            for (WatchedCluster row : rows.values()) {
                s.setInt(1, version);
                s.setObject(2, row.clusterId());
                s.setString(3, row.name());
                s.setString(4, row.owner());
                s.setInt(5, row.partition());
                s.setString(6, Json.write(row.state()));
                s.setString(7, Json.write(row.spec()));
                s.setString(8, row.state().status().wire());
                s.setTimestamp(9, Timestamp.from(row.statusSince()));
                s.setString(10, row.lastObservation());
                s.setString(11, row.lastEventId());
                s.setLong(12, row.lastOffset());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    @Override
    public void deleteVersion(Connection c, int version) throws SQLException {
        ProjectionRows.deleteVersion(c, "watch_list", version);
    }
}
