package dev.byoc.registry.projection;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.Projection;
import dev.byoc.support.projection.ProjectionRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The cluster view: status and reason as the monitor announced them, the last validation report
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
                    : new ClusterViewRow(event.key(), requested.name(), requested.owner(), "queued", null, null, null,
                            event.id(), event.partition(), event.offset(), requested.requestedAt());
        }
        if (current == null) {
            return null; // nothing to show for a cluster the registry never saw requested
        }
        ClusterViewRow row = current.after(event.id(), event.partition(), event.offset());
        if (data instanceof StatusChanged changed) {
            return row.withStatus(changed.to().wire(), changed.reason(), changed.observedAt());
        }
        if (data instanceof Validated validated) {
            return row.withChecks(Json.write(validated.checks()), validated.completedAt());
        }
        if (data instanceof ValidationFailed failed) {
            return row.withChecks(Json.write(failed.checks()), failed.completedAt());
        }
        if (data instanceof TeardownCompleted teardown) {
            return row.withTeardown(Json.write(teardown), teardown.completedAt());
        }
        return row;
    }

    @Override
    public Map<UUID, ClusterViewRow> load(Connection c, int version, Set<UUID> keys) throws SQLException {
        return ProjectionRows.forUpdate(c, "select cluster_id, name, owner, status, reason, checks::text, teardown::text, "
                + "last_event_id::text, last_partition, last_offset, updated_at from cluster_view "
                + "where version = ? and cluster_id = any (?) for update", version, keys,
                r -> new ClusterViewRow(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getInt(9), r.getLong(10),
                        r.getTimestamp(11).toInstant()));
    }

    @Override
    public void store(Connection c, int version, Map<UUID, ClusterViewRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into cluster_view (version, cluster_id, name, owner, status, reason, checks, teardown,
                                          last_event_id, last_partition, last_offset, updated_at)
                values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::uuid, ?, ?, ?)
                on conflict (version, cluster_id) do update set status = excluded.status, reason = excluded.reason,
                    checks = excluded.checks, teardown = excluded.teardown, last_event_id = excluded.last_event_id,
                    last_partition = excluded.last_partition, last_offset = excluded.last_offset,
                    updated_at = excluded.updated_at""")) {
            for (ClusterViewRow row : rows.values()) {
                s.setInt(1, version);
                s.setObject(2, row.clusterId());
                s.setString(3, row.name());
                s.setString(4, row.owner());
                s.setString(5, row.status());
                s.setString(6, row.reason());
                s.setString(7, row.checks());
                s.setString(8, row.teardown());
                s.setString(9, row.lastEventId());
                s.setInt(10, row.lastPartition());
                s.setLong(11, row.lastOffset());
                s.setTimestamp(12, Timestamp.from(row.updatedAt()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    @Override
    public void deleteVersion(Connection c, int version) throws SQLException {
        ProjectionRows.deleteVersion(c, "cluster_view", version);
    }
}
