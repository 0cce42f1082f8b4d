package dev.byoc.registry.db;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * PostgreSQL {@code LISTEN} for this replica, on one connection for every channel: a transaction
 * that sends {@code pg_notify} (or fires a trigger that does) is heard by every replica when it
 * commits — the live streams' changes, a revoked key, a filled outbox. After the connection comes
 * back from a loss, each channel's {@code resubscribed} runs: what was sent meanwhile was missed,
 * so a listener catches up by re-reading once.
 *
 * <p>By hand because Quarkus exposes no LISTEN: the Vert.x client's {@code PgSubscriber} is the
 * library part; this class only shares its connection.
 */
@ApplicationScoped
public class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private final Vertx vertx;
    private final PgSubscriber subscriber;
    private volatile boolean stopped;

    Notifications(Vertx vertx) {
        this.vertx = vertx;
        var config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("byoc.db.url", String.class))
                .setUser(config.getOptionalValue("byoc.db.user", String.class).orElse("postgres"))
                .setPassword(config.getOptionalValue("byoc.db.password", String.class).orElse(""));
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.closeHandler(v -> LOG.warn("lost the LISTEN connection; reconnecting"));
    }

    /**
     * Listens on {@code channel} (from the next connect on, or at once when connected).
     *
     * @param resubscribed runs each time the channel is subscribed, the first time included
     */
    public void listen(String channel, Consumer<String> handler, Runnable resubscribed) {
        subscriber.channel(channel).handler(handler::accept).subscribeHandler(v -> resubscribed.run());
    }

    void start(@Observes StartupEvent event) {
        connect();
    }

    /** The reconnect policy covers a lost connection; the first one is retried here until it works. */
    private void connect() {
        subscriber.connect().onFailure(e -> {
            LOG.warnf("LISTEN not connected yet (%s); retrying in 1 s", e.getMessage());
            if (!stopped) {
                vertx.setTimer(1000, t -> connect());
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        subscriber.close();
    }
}
