package dev.byoc.registry.cluster;

import dev.byoc.support.db.Sql;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Tells the live streams when their cluster changed, on every replica: whichever replica projected
 * an event or took an edit, its transaction notifies PostgreSQL ({@link #notifyChanged}, delivered
 * at commit), and each replica LISTENs on one connection and wakes the streams of that cluster.
 * A stream re-reads its cluster once per change instead of on a timer. A revoked key's streams
 * are closed the same way ({@link #notifyKeyRevoked}). When the listening connection comes back
 * after a loss, every stream re-reads once: notifications sent meanwhile were missed.
 *
 * <p>By hand because Quarkus exposes no LISTEN: the Vert.x client's {@code PgSubscriber} is the
 * library part; this class only maps channels to streams.
 */
@ApplicationScoped
public class ClusterChanges {
    private static final Logger LOG = Logger.getLogger(ClusterChanges.class);
    static final String CLUSTER_CHANNEL = "byoc_cluster_changed";
    static final String KEY_CHANNEL = "byoc_key_revoked";

    /** What one open stream wants to hear about. */
    public interface Listener {
        void changed();

        void keyRevoked();
    }

    private record Watch(UUID clusterId, String keyHash, Listener listener) {
    }

    private final Vertx vertx;
    private final Map<UUID, Set<Watch>> byCluster = new ConcurrentHashMap<>();
    private final Set<Watch> all = ConcurrentHashMap.newKeySet();
    private PgSubscriber subscriber;
    private volatile boolean stopped;

    ClusterChanges(Vertx vertx) {
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        var config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("byoc.db.url", String.class))
                .setUser(config.getOptionalValue("byoc.db.user", String.class).orElse("postgres"))
                .setPassword(config.getOptionalValue("byoc.db.password", String.class).orElse(""));
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(CLUSTER_CHANNEL).handler(payload -> changed(payload))
                .subscribeHandler(v -> all.forEach(w -> w.listener().changed())); // (re)subscribed: catch up
        subscriber.channel(KEY_CHANNEL).handler(this::revoked);
        subscriber.closeHandler(v -> LOG.warn("lost the LISTEN connection for live streams; reconnecting"));
        connect();
    }

    /** The reconnect policy covers a lost connection; the first one is retried here until it works. */
    private void connect() {
        subscriber.connect().onFailure(e -> {
            LOG.warnf("LISTEN for live streams not connected yet (%s); retrying in 1 s", e.getMessage());
            if (!stopped) {
                vertx.setTimer(1000, t -> connect());
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (subscriber != null) {
            subscriber.close();
        }
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
