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
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.problem.ProblemException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.HashMap;
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
        return OpenStream.serve(vertx, keepAlive, release, (emitter, events) -> new Stream(id, emitter, events), sse,
                stream -> changes.watch(id, keyHash, stream));
    }

    /** One open stream: re-reads on a worker thread, sends in order, ends at deleted. */
    private final class Stream extends OpenStream {
        private final UUID id;
        private Map<String, Object> last;

        Stream(UUID id, io.smallrye.mutiny.subscription.MultiEmitter<? super OutboundSseEvent> emitter, Sse sse) {
            super(emitter, sse);
            this.id = id;
        }

        @Override
        public void changed() {
            Infrastructure.getDefaultWorkerPool().execute(this::refresh);
        }

        private void refresh() {
            Map<String, Object> current = snapshot(id);
            synchronized (this) {
                if (done() || current == null || Objects.equals(current, last)) {
                    return;
                }
                last = current;
                send(sse.newEventBuilder().name("status").data(Json.write(current)).build());
                if (ClusterStatus.DELETED.wire().equals(current.get("status"))) {
                    finish();
                }
            }
        }
    }

    /** The most events one page of history holds. */
    static final int HISTORY_PAGE_MAX = 1000;

    /**
     * The cluster's events in log order, a page at a time ({@code limit}, default 100): when more
     * follow, the answer's {@code Link: <…?after=…>; rel="next"} names the next page, whose cursor is
     * the position of the page's last event, so events recorded meanwhile never shift a page.
     */
    @GET
    @Path("{name}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> history(@PathParam("name") String name, @QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("after") String after, @Context UriInfo uri) {
        if (limit < 1 || limit > HISTORY_PAGE_MAX) {
            throw ProblemException.invalid(List.of(new Violation("limit", "limit must be between 1 and " + HISTORY_PAGE_MAX)));
        }
        long[] position = historyCursor(after);
        Map<String, Object> parameters = new HashMap<>(Map.of("partition", (int) position[0], "offset", position[1]));
        return Transactions.inSession(session -> service.found(user.username(), name).chain(cluster -> {
            parameters.put("id", Sql.uuid(cluster.id()));
            return Sql.rows(session, "select cast(event_id as text), type, data::text, occurred_at, kafka_partition, kafka_offset "
                    + "from cluster_history where cluster_id = cast(cast(:id as text) as uuid) "
                    + "and (kafka_partition, kafka_offset) > (:partition, :offset) "
                    + "order by kafka_partition, kafka_offset limit " + (limit + 1), parameters); // written in: see OutboxRelay.claim
        })).map(rows -> {
            List<Map<String, Object>> events = rows.stream().limit(limit).map(ClusterStreamResource::historyEvent).toList();
            Response.ResponseBuilder answer = Response.ok(events);
            if (rows.size() > limit) {
                Map<String, Object> last = events.get(events.size() - 1);
                answer.link(uri.getRequestUriBuilder().replaceQueryParam("after", last.get("partition") + "-" + last.get("offset"))
                        .replaceQueryParam("limit", limit).build(), "next");
            }
            return answer.build();
        });
    }

    /** {@code <partition>-<offset>} of the last event already read; none = from the start. */
    private static long[] historyCursor(String after) {
        if (after == null || after.isBlank()) {
            return new long[] {-1, -1};
        }
        try {
            String[] parts = after.split("-", 2);
            long partition = Integer.parseInt(parts[0]);
            long offset = Long.parseLong(parts[1]);
            if (partition < 0 || offset < 0) {
                throw new NumberFormatException();
            }
            return new long[] {partition, offset};
        } catch (RuntimeException e) {
            throw ProblemException.invalid(List.of(new Violation("after", "not a cursor this API returned (use the Link rel=\"next\")")));
        }
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
                data.put("lastValidatedAt", row.lastValidatedAt() == null ? null : row.lastValidatedAt().toString());
                data.put("checks", row.checks());
                data.put("teardown", row.teardown());
                return data;
            }).orElse(null);
        } catch (RuntimeException e) {
            return null; // a database blip: the next change (or the LISTEN reconnect) reads again
        }
    }

}
