package dev.byoc.registry.cluster;

import dev.byoc.registry.db.Notifications;
import dev.byoc.support.db.Sql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Tells the live streams when their cluster changed, on every replica: whichever replica projected
 * an event or took an edit, its transaction notifies PostgreSQL ({@link #notifyChanged}, delivered
 * at commit), and each replica LISTENs on one connection and wakes the streams of that cluster.
 * A stream re-reads its cluster once per change instead of on a timer. A revoked key's streams
 * are closed the same way ({@link #notifyKeyRevoked}). When the listening connection comes back
 * after a loss, every stream re-reads once: notifications sent meanwhile were missed. The
 * connection is {@link Notifications}'; this class only maps its channels to streams.
 */
@ApplicationScoped
public class ClusterChanges {
    static final String CLUSTER_CHANNEL = "byoc_cluster_changed";
    static final String KEY_CHANNEL = "byoc_key_revoked";
    static final String HISTORY_CHANNEL = "byoc_history_appended";

    /** What one open stream wants to hear about. */
    public interface Listener {
        void changed();

        void keyRevoked();
    }

    private record Watch(UUID clusterId, String keyHash, Listener listener) {
    }

    private final Map<UUID, Set<Watch>> byCluster = new ConcurrentHashMap<>();
    private final Set<Watch> fleet = ConcurrentHashMap.newKeySet();
    private final Set<Watch> all = ConcurrentHashMap.newKeySet();

    ClusterChanges(Notifications notifications) {
        notifications.listen(CLUSTER_CHANNEL, this::changed, () -> all.forEach(w -> w.listener().changed())); // catch up
        notifications.listen(KEY_CHANNEL, this::revoked, () -> {
        });
        notifications.listen(HISTORY_CHANNEL, payload -> fleet.forEach(w -> w.listener().changed()),
                () -> fleet.forEach(w -> w.listener().changed()));
    }

    /** Registers a fleet stream, woken whenever events were recorded in any cluster's history; close the handle when it ends. */
    public AutoCloseable watchFleet(String keyHash, Listener listener) {
        Watch watch = new Watch(null, keyHash, listener);
        fleet.add(watch);
        all.add(watch);
        return () -> {
            all.remove(watch);
            fleet.remove(watch);
        };
    }

    /** In the transaction that recorded history: every replica's fleet streams read on when it commits. */
    public static Uni<Void> notifyHistoryAppended(Mutiny.Session session) {
        return Sql.rows(session, "select pg_notify('" + HISTORY_CHANNEL + "', '')", Map.of()).replaceWithVoid();
    }

    /** Registers a stream; close the returned handle when it ends. */
    public AutoCloseable watch(UUID clusterId, String keyHash, Listener listener) {
        Watch watch = new Watch(clusterId, keyHash, listener);
        byCluster.computeIfAbsent(clusterId, id -> ConcurrentHashMap.newKeySet()).add(watch);
        all.add(watch);
        return () -> {
            all.remove(watch);
            byCluster.computeIfPresent(clusterId, (id, watches) -> {
                watches.remove(watch);
                return watches.isEmpty() ? null : watches;
            });
        };
    }

    /** In the caller's transaction: PostgreSQL delivers it to every replica when that commits. */
    public static Uni<Void> notifyChanged(Mutiny.Session session, UUID clusterId) {
        return Sql.rows(session, "select pg_notify('" + CLUSTER_CHANNEL + "', cast(:id as text))",
                Map.of("id", clusterId.toString())).replaceWithVoid();
    }

    /** In the revoking transaction: every stream opened with that key ends when it commits. */
    public static Uni<Void> notifyKeyRevoked(Mutiny.Session session, UUID keyId) {
        return Sql.rows(session, "select pg_notify('" + KEY_CHANNEL + "', key_hash) from api_keys "
                + "where id = cast(cast(:id as text) as uuid)", Map.of("id", keyId.toString())).replaceWithVoid();
    }

    private void changed(String payload) {
        parse(payload).map(byCluster::get).ifPresent(watches -> watches.forEach(w -> w.listener().changed()));
    }

    private void revoked(String keyHash) {
        all.stream().filter(w -> keyHash.equals(w.keyHash())).forEach(w -> w.listener().keyRevoked());
    }

    private static Optional<UUID> parse(String payload) {
        try {
            return Optional.of(UUID.fromString(payload));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Open streams on this replica. */
    public int open() {
        return all.size();
    }
}
