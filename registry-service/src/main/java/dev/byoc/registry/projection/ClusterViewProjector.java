package dev.byoc.registry.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.RotationValidated;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.support.projection.ProjectedEvent;
import dev.byoc.support.projection.ProjectionStore;
import dev.byoc.support.db.Sql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The live path into the cluster view: records the event in the user-visible history and applies
 * it to the live version, in one transaction. Two side effects on the write model, only live (a
 * rebuild re-reads facts): a cluster that reaches {@code deleted} frees its name, and a validated
 * rotation switches the cluster's role ({@link dev.byoc.registry.cluster.RoleSwitch}).
 */
@ApplicationScoped
public class ClusterViewProjector {
    private final ProjectionStore<ClusterViewRow> store = new ProjectionStore<>(new ClusterView());

    public ProjectionStore<ClusterViewRow> store() {
        return store;
    }

    /** A consumer's batch, in log order, in the caller's transaction. @return the events applied for the first time */
    public Uni<List<ProjectedEvent>> apply(Mutiny.Session session, List<ProjectedEvent> events) {
        Uni<Void> recorded = Uni.createFrom().voidItem();
        for (ProjectedEvent event : events) {
            recorded = recorded.chain(() -> record(session, event));
        }
        if (events.stream().anyMatch(e -> e.key() != null)) {
            // once per batch: the fleet streams of every replica read what this commit recorded
            recorded = recorded.chain(() -> dev.byoc.registry.cluster.ClusterChanges.notifyHistoryAppended(session));
        }
        return recorded.chain(() -> store.applyLive(session, events, (before, after, e) -> {
            if (after == before || e.key() == null) {
                return Uni.createFrom().voidItem();
            }
            // the cluster's live streams, on every replica, re-read it once this commits
            Uni<Void> notified = dev.byoc.registry.cluster.ClusterChanges.notifyChanged(session, e.key());
            if (e.event().data() instanceof StatusChanged changed && changed.to() == ClusterStatus.DELETED) {
                return notified.chain(() -> release(session, e.key(), changed.observedAt()));
            }
            if (e.event().data() instanceof RotationValidated validated) {
                // the candidate is proven: the write model switches and announces it in this same commit
                return notified.chain(() -> dev.byoc.registry.cluster.RoleSwitch.apply(session, e.key(), e.id(), validated))
                        .replaceWithVoid();
            }
            return notified;
        }));
    }

    /** The cluster has reached deleted: its name is free again (in the write model). */
    private static Uni<Void> release(Mutiny.Session session, UUID clusterId, Instant at) {
        return Sql.execute(session, "update clusters set released_at = coalesce(released_at, cast(cast(:at as text) as "
                + "timestamptz)) where id = cast(cast(:id as text) as uuid)",
                Map.of("at", Sql.timestamp(at), "id", Sql.uuid(clusterId))).replaceWithVoid();
    }

    /** The user-visible history: every event about a cluster once, whatever the version. */
    private static Uni<Void> record(Mutiny.Session session, ProjectedEvent event) {
        if (event.key() == null) {
            return Uni.createFrom().voidItem();
        }
        return Sql.execute(session, "insert into cluster_history (event_id, cluster_id, type, data, occurred_at, "
                + "kafka_partition, kafka_offset) values (cast(cast(:id as text) as uuid), cast(cast(:cluster as text) as uuid), "
                + ":type, cast(cast(:data as text) as jsonb), cast(cast(:at as text) as timestamptz), :partition, :offset) "
                + "on conflict (event_id) do nothing", Map.of("id", event.id(), "cluster", Sql.uuid(event.key()),
                        "type", event.event().type().type(), "data", Json.write(redacted(event.event().json())),
                        "at", Sql.timestamp(event.time()), "partition", event.partition(), "offset", event.offset()))
                .replaceWithVoid();
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
