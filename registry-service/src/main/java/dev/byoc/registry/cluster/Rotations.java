package dev.byoc.registry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Where a role rotation stands, read from the cluster's recorded history (the rotation-requested,
 * whose ce_id is the rotation's id, and the provisioner's answer to it), and the wait of the edit
 * that requested it: woken by the cluster's change notification ({@link ClusterChanges}, sent by
 * whichever replica projected the answer), never by a timer.
 */
@ApplicationScoped
public class Rotations {
    public enum Status {
        /** the provisioner has not answered yet; the cluster runs on its current role */
        validating,
        /** the candidate passed; the cluster runs on it (unless its role changed again in between) */
        switched,
        /** the candidate failed a check; nothing changed */
        failed
    }

    public record Outcome(String id, Status status, String roleArn, String fromRoleArn, JsonNode checks, String reason) {
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("status", status.name());
            body.put("roleArn", roleArn);
            body.put("fromRoleArn", fromRoleArn);
            if (checks != null) {
                body.put("checks", checks);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            return body;
        }
    }

    private static final String REQUESTED = EventTypes.ROTATION_REQUESTED.type();
    private static final String VALIDATED = EventTypes.ROTATION_VALIDATED.type();
    private static final String FAILED = EventTypes.ROTATION_FAILED.type();

    private final ClusterChanges changes;

    Rotations(ClusterChanges changes) {
        this.changes = changes;
    }

    /** The rotation {@code rotationId} of the cluster, once its request is recorded. In the caller's session. */
    public static Uni<Optional<Outcome>> find(Mutiny.Session session, UUID clusterId, String rotationId) {
        try {
            UUID.fromString(rotationId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Optional.empty());
        }
        return Sql.rows(session, "select type, data::text from cluster_history where cluster_id = cast(cast(:cluster as text) "
                + "as uuid) and (event_id = cast(cast(:id as text) as uuid) or (type in (:validated, :failed) "
                + "and data->>'causeEventId' = :id)) order by kafka_partition, kafka_offset",
                Map.of("cluster", Sql.uuid(clusterId), "id", rotationId, "validated", VALIDATED, "failed", FAILED))
                .map(rows -> outcome(rotationId, rows));
    }

    private static Optional<Outcome> outcome(String id, List<Object[]> rows) {
        Outcome found = null;
        for (Object[] row : rows) {
            String type = Sql.text(row[0]);
            JsonNode data = Json.read(Sql.text(row[1]), JsonNode.class);
            if (REQUESTED.equals(type) && found == null) {
                found = new Outcome(id, Status.validating, data.path("candidateRoleArn").asText(),
                        data.path("spec").path("roleArn").asText(), null, null);
            } else if (VALIDATED.equals(type) || FAILED.equals(type)) {
                // a redelivered request may have been answered twice: the later answer is the one that counts
                found = new Outcome(id, VALIDATED.equals(type) ? Status.switched : Status.failed, data.path("roleArn").asText(),
                        data.path("fromRoleArn").asText(), data.path("checks"), data.path("reason").asText(null));
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Blocks (a worker thread, never the event loop) until the rotation was answered or {@code wait}
     * passed; then where it stands (empty when not even its request is recorded yet).
     */
    public Optional<Outcome> await(UUID clusterId, String rotationId, String keyHash, Duration wait) {
        Semaphore changed = new Semaphore(0);
        long deadline = System.nanoTime() + wait.toNanos();
        // watching before the first read: an answer projected in between still wakes us
        try (AutoCloseable watch = changes.watch(clusterId, keyHash, new ClusterChanges.Listener() {
            @Override
            public void changed() {
                changed.release();
            }

            @Override
            public void keyRevoked() {
                changed.release();
            }
        })) {
            while (true) {
                Optional<Outcome> outcome = Transactions.awaitOnContext(() -> Transactions.inSession(session ->
                        find(session, clusterId, rotationId)));
                long left = deadline - System.nanoTime();
                if (outcome.filter(o -> o.status() != Status.validating).isPresent() || left <= 0) {
                    return outcome;
                }
                changed.tryAcquire(left, TimeUnit.NANOSECONDS);
                changed.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
