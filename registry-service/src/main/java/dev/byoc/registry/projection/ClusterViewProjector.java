package dev.byoc.registry.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.registry.cluster.ClusterRepository;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Applies one event to the cluster view. The event's ce_id is recorded in cluster_history in the
 * same transaction as the change, so an event delivered twice (same offset or a new one) changes
 * nothing the second time.
 */
@ApplicationScoped
public class ClusterViewProjector {
    private final AgroalDataSource dataSource;
    private final ClusterRepository clusters;

    ClusterViewProjector(AgroalDataSource dataSource, ClusterRepository clusters) {
        this.dataSource = dataSource;
        this.clusters = clusters;
    }

    /** The live path: applies to the live version, waiting while a rebuild switches versions. */
    @Transactional
    public boolean apply(IncomingEvent.Accepted event, int partition, long offset) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            int version = liveVersion(c);
            record(c, event, partition, offset);
            return applyTo(c, version, event, partition, offset);
        }
    }

    /** Takes the projection row FOR SHARE: a version switch (FOR UPDATE) waits for us and we for it. */
    static int liveVersion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select live_version from projections where name = 'cluster-view' for share");
                var r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    /**
     * Applies one event to one version inside the caller's transaction. An event id already applied
     * to this version, or a position at or below the row's, changes nothing.
     *
     * @return false when the event had already been applied
     */
    public boolean applyTo(Connection c, int version, IncomingEvent.Accepted event, int partition, long offset)
            throws SQLException {
        if (!event.json().path("clusterId").isTextual()) {
            return true; // a rejected command that named no cluster: nothing to project
        }
        UUID clusterId = UUID.fromString(event.json().path("clusterId").asText());
        if (!firstTime(c, version, event.id()) || alreadyPast(c, version, clusterId, partition, offset)) {
            return false;
        }
        if (event.data() instanceof ClusterRequested requested) {
            upsert(c, version, clusterId, requested.name(), requested.owner(), partition, offset, event.id(),
                    requested.requestedAt());
        } else if (event.data() instanceof StatusChanged changed) {
            update(c, version, "status = ?, reason = ?", clusterId, partition, offset, event.id(), changed.observedAt(),
                    changed.to().wire(), changed.reason());
            if (changed.to() == ClusterStatus.DELETED) {
                clusters.release(clusterId, changed.observedAt());
            }
        } else if (event.data() instanceof Validated validated) {
            update(c, version, "checks = ?::jsonb", clusterId, partition, offset, event.id(), validated.completedAt(),
                    Json.write(validated.checks()));
        } else if (event.data() instanceof ValidationFailed failed) {
            update(c, version, "checks = ?::jsonb", clusterId, partition, offset, event.id(), failed.completedAt(),
                    Json.write(failed.checks()));
        } else if (event.data() instanceof TeardownCompleted teardown) {
            update(c, version, "teardown = ?::jsonb", clusterId, partition, offset, event.id(), teardown.completedAt(),
                    Json.write(teardown));
        } else {
            update(c, version, null, clusterId, partition, offset, event.id(), null);
        }
        return true;
    }

    private static boolean firstTime(Connection c, int version, String eventId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "insert into projection_events (version, event_id) values (?, ?) on conflict do nothing")) {
            s.setInt(1, version);
            s.setString(2, eventId);
            return s.executeUpdate() == 1;
        }
    }

    private static boolean alreadyPast(Connection c, int version, UUID clusterId, int partition, long offset)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select 1 from cluster_view where version = ? and cluster_id = ? "
                + "and last_partition = ? and last_offset >= ?")) {
            s.setInt(1, version);
            s.setObject(2, clusterId);
            s.setInt(3, partition);
            s.setLong(4, offset);
            try (var r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The user-visible history: every event once, whatever the version. */
    private void record(Connection c, IncomingEvent.Accepted event, int partition, long offset) throws SQLException {
        if (!event.json().path("clusterId").isTextual()) {
            return;
        }
        UUID clusterId = UUID.fromString(event.json().path("clusterId").asText());
        try (PreparedStatement s = c.prepareStatement("insert into cluster_history (event_id, cluster_id, type, data, "
                + "occurred_at, kafka_partition, kafka_offset) values (?::uuid, ?, ?, ?::jsonb, ?, ?, ?) "
                + "on conflict (event_id) do nothing")) {
            s.setString(1, event.id());
            s.setObject(2, clusterId);
            s.setString(3, event.type().type());
            s.setString(4, Json.write(redacted(event.json())));
            s.setTimestamp(5, Timestamp.from(Instant.now()));
            s.setInt(6, partition);
            s.setLong(7, offset);
            s.executeUpdate();
        }
    }

    private void upsert(Connection c, int version, UUID clusterId, String name, String owner, int partition, long offset,
            String eventId, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into cluster_view (version, cluster_id, name, owner, status, "
                + "last_event_id, last_partition, last_offset, updated_at) values (?, ?, ?, ?, 'queued', ?::uuid, ?, ?, ?) "
                + "on conflict (version, cluster_id) do nothing")) {
            s.setInt(1, version);
            s.setObject(2, clusterId);
            s.setString(3, name);
            s.setString(4, owner);
            s.setString(5, eventId);
            s.setInt(6, partition);
            s.setLong(7, offset);
            s.setTimestamp(8, Timestamp.from(at));
            s.executeUpdate();
        }
    }

    private void update(Connection c, int version, String set, UUID clusterId, int partition, long offset, String eventId, Instant at,
            Object... values) throws SQLException {
        String sql = "update cluster_view set " + (set == null ? "" : set + ", ")
                + "last_event_id = ?::uuid, last_partition = ?, last_offset = ?, updated_at = coalesce(?, updated_at) "
                + "where version = ? and cluster_id = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            for (Object value : values) {
                s.setObject(i++, value);
            }
            s.setString(i++, eventId);
            s.setInt(i++, partition);
            s.setLong(i++, offset);
            s.setTimestamp(i++, at == null ? null : Timestamp.from(at));
            s.setInt(i++, version);
            s.setObject(i, clusterId);
            s.executeUpdate();
        }
    }

    /** History is shown to users: never the external ID. */
    static JsonNode redacted(JsonNode data) {
        JsonNode copy = data.deepCopy();
        JsonNode spec = copy.path("spec");
        if (spec instanceof ObjectNode specNode && spec.has("externalId")) {
            specNode.put("externalId", ClusterSpec.mask(spec.path("externalId").asText()));
        }
        return copy;
    }
}
