package dev.byoc.registry.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.registry.cluster.ClusterRepository;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.ProjectionStore;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * The live path into the cluster view: records the event in the user-visible history and applies
 * it to the live version, in one transaction. A cluster that reaches {@code deleted} frees its
 * name in the write model here (the only side effect, and only live: a rebuild re-reads facts).
 */
@ApplicationScoped
public class ClusterViewProjector {
    private final AgroalDataSource dataSource;
    private final ClusterRepository clusters;
    private final ProjectionStore<ClusterViewRow> store;

    ClusterViewProjector(AgroalDataSource dataSource, ClusterRepository clusters) {
        this.dataSource = dataSource;
        this.clusters = clusters;
        this.store = new ProjectionStore<>(dataSource, new ClusterView());
    }

    public ProjectionStore<ClusterViewRow> store() {
        return store;
    }

    /** @return false when the event had already been applied */
    @Transactional
    public boolean apply(ProjectedEvent event) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            record(c, event);
            return store.applyLive(c, event, (before, after, e) -> {
                if (e.event().data() instanceof StatusChanged changed && changed.to() == ClusterStatus.DELETED
                        && after != before) {
                    clusters.release(e.key(), changed.observedAt());
                }
            });
        }
    }

    /** The user-visible history: every event about a cluster once, whatever the version. */
    private static void record(Connection c, ProjectedEvent event) throws SQLException {
        if (event.key() == null) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("insert into cluster_history (event_id, cluster_id, type, data, "
                + "occurred_at, kafka_partition, kafka_offset) values (?::uuid, ?, ?, ?::jsonb, ?, ?, ?) "
                + "on conflict (event_id) do nothing")) {
            s.setString(1, event.id());
            s.setObject(2, event.key());
            s.setString(3, event.event().type().type());
            s.setString(4, Json.write(redacted(event.event().json())));
            s.setTimestamp(5, Timestamp.from(event.time()));
            s.setInt(6, event.partition());
            s.setLong(7, event.offset());
            s.executeUpdate();
        }
    }

    /** History is shown to users: a legacy v1 event's external ID is dropped, not stored. */
    static JsonNode redacted(JsonNode data) {
        JsonNode copy = data.deepCopy();
        if (copy.path("spec") instanceof ObjectNode spec) {
            spec.remove("externalId");
        }
        return copy;
    }
}
