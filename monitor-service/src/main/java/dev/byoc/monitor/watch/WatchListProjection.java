package dev.byoc.monitor.watch;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.lifecycle.ClusterState;
import dev.byoc.contracts.lifecycle.StateMachine;
import dev.byoc.contracts.lifecycle.Transition;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.Projection;
import dev.byoc.support.db.Sql;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The watch list as a projection: each cluster's events folded with the shared state machine.
 * Everything in a row comes from the log — "status since" is the time of the event that set the
 * status, timeouts arrive as timed-out events — so a rebuild from offset 0 gives the same rows.
 * The poll schedule is runtime state and lives apart ({@code poll_schedule}).
 */
public final class WatchListProjection implements Projection<WatchedCluster> {
    public static final String NAME = "watch-list";
    static final String COLUMNS = "cast(w.cluster_id as text), w.name, w.owner, w.kafka_partition, w.state::text, w.spec::text, "
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
        return machine.apply(state, data, current == null ? null : current.statusSince());
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
    public Uni<Map<UUID, WatchedCluster>> load(Mutiny.Session session, int version, Set<UUID> keys) {
        return Sql.rows(session, "select " + COLUMNS + " from watch_list w where w.version = :version "
                + "and w.cluster_id = any(cast(:keys as uuid[])) for update", Map.of("version", version, "keys", keys.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, WatchedCluster> loaded = new HashMap<>();
                    rows.forEach(r -> {
                        WatchedCluster row = read(r);
                        loaded.put(row.clusterId(), row);
                    });
                    return loaded;
                });
    }

    static WatchedCluster read(Object[] r) {
        return new WatchedCluster(Sql.uuidOf(r[0]), Sql.text(r[1]), Sql.text(r[2]), Sql.integer(r[3]),
                Json.read(Sql.text(r[4]), ClusterState.class), Json.read(Sql.text(r[5]), ClusterSpec.class),
                Sql.instant(r[6]), Sql.text(r[7]), Sql.text(r[8]), Sql.bigint(r[9]));
    }

    private static final List<Sql.Column> STORED = List.of(new Sql.Column("cluster_id", "uuid"),
            new Sql.Column("name", "text"), new Sql.Column("owner", "text"), new Sql.Column("kafka_partition", "int"),
            new Sql.Column("state", "jsonb"), new Sql.Column("spec", "jsonb"), new Sql.Column("status", "text"),
            new Sql.Column("status_since", "timestamptz"), new Sql.Column("last_observation", "text"),
            new Sql.Column("last_event_id", "uuid"), new Sql.Column("last_offset", "bigint"));

    @Override
    public Uni<Void> store(Mutiny.Session session, int version, Map<UUID, WatchedCluster> rows) {
        List<Object[]> values = rows.values().stream().map(row -> new Object[] {Sql.uuid(row.clusterId()), row.name(),
                row.owner(), row.partition(), Json.write(row.state()), Json.write(row.spec()),
                row.state().status().wire(), Sql.timestamp(row.statusSince()), row.lastObservation(), row.lastEventId(),
                row.lastOffset()}).toList();
        return Sql.insertColumns(session, "watch_list", Map.of("version", version), STORED, values, """
                on conflict (version, cluster_id) do update set name = excluded.name,
                    kafka_partition = excluded.kafka_partition, state = excluded.state, spec = excluded.spec,
                    status = excluded.status, status_since = excluded.status_since,
                    last_observation = excluded.last_observation, last_event_id = excluded.last_event_id,
                    last_offset = excluded.last_offset""").replaceWithVoid();
    }

    @Override
    public String table() {
        return "watch_list";
    }
}
