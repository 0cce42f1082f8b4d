package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live status stream and the recorded history of one cluster.
 *
 * <p>The stream re-reads the cluster from the database on a short interval and sends an event only
 * when its status, reason or reports changed. Reading the database rather than listening to Kafka
 * keeps it right with any number of registry replicas: whichever replica projected the change,
 * every replica sees it after commit.
 */
@Path("/api/v1/clusters")
public class ClusterStreamResource {
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final ClusterRepository clusters;
    private final ClusterService service;
    private final CurrentUser user;
    private final Duration interval;

    ClusterStreamResource(ClusterRepository clusters, ClusterService service, CurrentUser user,
            StreamConfig config) {
        this.clusters = clusters;
        this.service = service;
        this.user = user;
        this.interval = config.checkInterval();
    }

    @GET
    @Path("{name}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("name") String name, @Context Sse sse) {
        String owner = user.username();
        // blocking endpoint: the first read and each tick's re-read wait for the reactive session
        UUID id = Transactions.awaitOnContext(() -> Transactions.inSession(session -> service.found(owner, name))).id();
        AtomicReference<Map<String, Object>> last = new AtomicReference<>();
        long keepAliveEvery = Math.max(1, KEEP_ALIVE.toMillis() / interval.toMillis());
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(interval)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .onOverflow().drop()
                // Mutiny items may not be null: quiet ticks become an empty Optional and are dropped
                .map(tick -> {
                    Map<String, Object> current = snapshot(id);
                    if (current != null && !Objects.equals(current, last.get())) {
                        last.set(current);
                        return java.util.Optional.of(sse.newEventBuilder().name("status").data(Json.write(current)).build());
                    }
                    return tick % keepAliveEvery == 0
                            ? java.util.Optional.of(sse.newEventBuilder().comment("keep-alive").build())
                            : java.util.Optional.<OutboundSseEvent>empty();
                })
                .filter(java.util.Optional::isPresent)
                .map(java.util.Optional::get);
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
            return null; // a database blip: try again on the next tick
        }
    }

}
