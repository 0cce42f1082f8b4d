package dev.byoc.registry.projection;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.ReasonCode;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.Projection;
import dev.byoc.support.db.Sql;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The cluster view: status and reason as the monitor announced them, the last validation report
 * (each check with the time it last changed status, {@link CheckHistory}) and when it completed,
 * and the teardown report, per cluster. Times come from the events, so a rebuild reproduces
 * every column.
 */
public final class ClusterView implements Projection<ClusterViewRow> {
    public static final String NAME = "cluster-view";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ClusterViewRow fold(ClusterViewRow current, ProjectedEvent event) {
        EventData data = event.event().data();
        if (data instanceof ClusterRequested requested) {
            return current != null ? current
                    : new ClusterViewRow(event.key(), requested.name(), requested.owner(), ClusterStatus.QUEUED.wire(), null,
                            ReasonCode.REQUESTED.wire(), null, null,
                            event.id(), event.partition(), event.offset(), requested.requestedAt(), null);
        }
        if (current == null) {
            return null; // nothing to show for a cluster the registry never saw requested
        }
        ClusterViewRow row = current.after(event.id(), event.partition(), event.offset());
        if (data instanceof StatusChanged changed) {
            return row.withStatus(changed.to().wire(), changed.reason(),
                    changed.reasonCode() == null ? null : changed.reasonCode().wire(), changed.observedAt());
        }
        if (data instanceof Validated validated) {
            return row.withChecks(CheckHistory.since(current.checks(), validated.checks(), validated.completedAt()),
                    validated.completedAt());
        }
        if (data instanceof ValidationFailed failed) {
            return row.withChecks(CheckHistory.since(current.checks(), failed.checks(), failed.completedAt()),
                    failed.completedAt());
        }
        if (data instanceof TeardownCompleted teardown) {
            return row.withTeardown(Json.write(teardown), teardown.completedAt());
        }
        return row;
    }

    @Override
    public Uni<Map<UUID, ClusterViewRow>> load(Mutiny.Session session, int version, Set<UUID> keys) {
        return Sql.rows(session, "select cast(cluster_id as text), name, owner, status, reason, reason_code, checks::text, "
                + "teardown::text, last_event_id::text, last_partition, last_offset, updated_at, last_validated_at from cluster_view "
                + "where version = :version and cluster_id = any(cast(:keys as uuid[])) for update", Map.of("version", version, "keys", keys.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, ClusterViewRow> loaded = new HashMap<>();
                    for (Object[] r : rows) {
                        UUID id = Sql.uuidOf(r[0]);
                        loaded.put(id, new ClusterViewRow(id, Sql.text(r[1]), Sql.text(r[2]), Sql.text(r[3]),
                                Sql.text(r[4]), Sql.text(r[5]), Sql.text(r[6]), Sql.text(r[7]), Sql.text(r[8]),
                                Sql.integer(r[9]), Sql.bigint(r[10]), Sql.instant(r[11]), Sql.instant(r[12])));
                    }
                    return loaded;
                });
    }

    private static final List<Sql.Column> STORED = List.of(new Sql.Column("cluster_id", "uuid"),
            new Sql.Column("name", "text"), new Sql.Column("owner", "text"), new Sql.Column("status", "text"),
            new Sql.Column("reason", "text"), new Sql.Column("reason_code", "text"), new Sql.Column("checks", "jsonb"), new Sql.Column("teardown", "jsonb"),
            new Sql.Column("last_event_id", "uuid"), new Sql.Column("last_partition", "int"),
            new Sql.Column("last_offset", "bigint"), new Sql.Column("updated_at", "timestamptz"),
            new Sql.Column("last_validated_at", "timestamptz"));

    @Override
    public Uni<Void> store(Mutiny.Session session, int version, Map<UUID, ClusterViewRow> rows) {
        List<Object[]> values = rows.values().stream().map(row -> new Object[] {Sql.uuid(row.clusterId()), row.name(),
                row.owner(), row.status(), row.reason(), row.reasonCode(), row.checks(), row.teardown(), row.lastEventId(),
                row.lastPartition(), row.lastOffset(), Sql.timestamp(row.updatedAt()), Sql.timestamp(row.lastValidatedAt())}).toList();
        return Sql.insertColumns(session, "cluster_view", Map.of("version", version), STORED, values, """
                on conflict (version, cluster_id) do update set status = excluded.status, reason = excluded.reason,
                    reason_code = excluded.reason_code,
                    checks = excluded.checks, teardown = excluded.teardown, last_event_id = excluded.last_event_id,
                    last_partition = excluded.last_partition, last_offset = excluded.last_offset,
                    updated_at = excluded.updated_at, last_validated_at = excluded.last_validated_at""").replaceWithVoid();
    }

    @Override
    public String table() {
        return "cluster_view";
    }
}
