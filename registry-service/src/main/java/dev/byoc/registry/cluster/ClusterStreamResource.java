package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.registry.auth.CurrentUser;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The live status stream and the recorded history of one cluster.
 *
 * <p>The stream sends the cluster's current state, then re-reads it each time it changes —
 * {@link ClusterChanges} wakes it from PostgreSQL's NOTIFY, sent by whichever replica projected the
 * event or took the edit — and sends an event when status, reason or reports differ. It ends after
 * {@code deleted}, when its key is revoked, or when the client goes. Streams are capped per user
 * and per replica ({@link StreamSlots}: 429 past the cap).
 */
@Path("/api/v1/clusters")
public class ClusterStreamResource {
    private static final Logger LOG = Logger.getLogger(ClusterStreamResource.class);

    private final ClusterRepository clusters;
    private final ClusterService service;
    private final CurrentUser user;
    private final ClusterChanges changes;
    private final StreamSlots slots;
    private final io.vertx.core.Vertx vertx;
    private final Duration keepAlive;

    ClusterStreamResource(ClusterRepository clusters, ClusterService service, CurrentUser user, ClusterChanges changes,
            StreamSlots slots, io.vertx.core.Vertx vertx, StreamConfig config) {
        this.clusters = clusters;
        this.service = service;
        this.user = user;
        this.changes = changes;
        this.slots = slots;
        this.vertx = vertx;
        this.keepAlive = config.keepAlive();
    }

    @GET
    @Path("{name}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("name") String name, @Context Sse sse) {
        String owner = user.username();
        String keyHash = user.keyHash();
        // blocking endpoint: the first read waits for the reactive session
        UUID id = Transactions.awaitOnContext(() -> Transactions.inSession(session -> service.found(owner, name))).id();
        Runnable release = slots.acquire(owner);
        return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
            Stream stream = new Stream(id, emitter, sse);
            AutoCloseable watch = changes.watch(id, keyHash, stream);
            long timer = vertx.setPeriodic(keepAlive.toMillis(), t -> stream.send(sse.newEventBuilder().comment("keep-alive")
                    .build()));
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                release.run();
                try {
                    watch.close();
                } catch (Exception e) {
                    LOG.debugf("closing the watch of a stream: %s", e.getMessage());
                }
            });
            stream.changed(); // the current state first
        });
    }

    /** One open stream: re-reads on a worker thread, sends in order, ends at deleted. */
    private final class Stream implements ClusterChanges.Listener {
        private final UUID id;
        private final io.smallrye.mutiny.subscription.MultiEmitter<? super OutboundSseEvent> emitter;
        private final Sse sse;
        private Map<String, Object> last;
        private boolean done;

        Stream(UUID id, io.smallrye.mutiny.subscription.MultiEmitter<? super OutboundSseEvent> emitter, Sse sse) {
            this.id = id;
            this.emitter = emitter;
            this.sse = sse;
        }

        @Override
        public void changed() {
            Infrastructure.getDefaultWorkerPool().execute(this::refresh);
        }

        @Override
        public void keyRevoked() {
            synchronized (this) {
                if (!done) {
                    done = true;
                    emitter.emit(sse.newEventBuilder().name("closed").data("{\"reason\": \"the API key of this stream "
                            + "was revoked\"}").build());
                    emitter.complete();
                }
            }
        }

        private void refresh() {
            Map<String, Object> current = snapshot(id);
            synchronized (this) {
                if (done || current == null || Objects.equals(current, last)) {
                    return;
                }
                last = current;
                emitter.emit(sse.newEventBuilder().name("status").data(Json.write(current)).build());
                if (ClusterStatus.DELETED.wire().equals(current.get("status"))) {
                    done = true;
                    emitter.complete();
                }
            }
        }

        synchronized void send(OutboundSseEvent event) {
            if (!done) {
                emitter.emit(event);
            }
        }
    }

    @GET
    @Path("{name}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<Map<String, Object>>> history(@PathParam("name") String name) {
        return Transactions.inSession(session -> service.found(user.username(), name).chain(cluster -> Sql.rows(session,
                "select cast(event_id as text), type, data::text, occurred_at, kafka_partition, kafka_offset "
                        + "from cluster_history where cluster_id = cast(cast(:id as text) as uuid) "
                        + "order by kafka_partition, kafka_offset", Map.of("id", Sql.uuid(cluster.id())))))
                .map(rows -> rows.stream().map(ClusterStreamResource::historyEvent).toList());
    }

    private static Map<String, Object> historyEvent(Object[] r) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", Sql.text(r[0]));
        event.put("type", Sql.text(r[1]));
        try {
            event.put("data", Json.mapper().readTree(Sql.text(r[2])));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        event.put("recordedAt", Sql.instant(r[3]));
        event.put("partition", Sql.integer(r[4]));
        event.put("offset", Sql.bigint(r[5]));
        return event;
    }

    private Map<String, Object> snapshot(UUID id) {
        try {
            return Transactions.awaitOnContext(() -> Transactions.inSession(session -> clusters.byId(id))).map(row -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("id", row.id());
                data.put("name", row.name());
                data.put("status", row.status());
                data.put("reason", row.reason());
                data.put("updatedAt", row.updatedAt().toString());
                data.put("checks", row.checks());
                data.put("teardown", row.teardown());
                return data;
            }).orElse(null);
        } catch (RuntimeException e) {
            return null; // a database blip: the next change (or the LISTEN reconnect) reads again
        }
    }

}
