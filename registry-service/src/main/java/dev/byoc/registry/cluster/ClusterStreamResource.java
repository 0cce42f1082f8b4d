package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
import dev.byoc.registry.auth.CurrentUser;
import io.agroal.api.AgroalDataSource;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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
    private final AgroalDataSource dataSource;
    private final Duration interval;

    ClusterStreamResource(ClusterRepository clusters, ClusterService service, CurrentUser user, AgroalDataSource dataSource,
            @ConfigProperty(name = "byoc.sse.check-interval") Duration interval) {
        this.clusters = clusters;
        this.service = service;
        this.user = user;
        this.dataSource = dataSource;
        this.interval = interval;
    }

    @GET
    @Path("{name}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("name") String name, @Context Sse sse) throws SQLException {
        String owner = user.username();
        ClusterRow first = clusters.byName(owner, name).orElseThrow(() -> service.notFound(owner, name));
        UUID id = first.id();
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
    public List<Map<String, Object>> history(@PathParam("name") String name) throws SQLException {
        ClusterRow cluster = clusters.byName(user.username(), name)
                .orElseThrow(() -> service.notFound(user.username(), name));
        List<Map<String, Object>> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select event_id, type, data::text, occurred_at, kafka_partition, "
                        + "kafka_offset from cluster_history where cluster_id = ? order by kafka_partition, kafka_offset")) {
            s.setObject(1, cluster.id());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("id", r.getString(1));
                    event.put("type", r.getString(2));
                    event.put("data", Json.mapper().readTree(r.getString(3)));
                    event.put("recordedAt", r.getTimestamp(4).toInstant());
                    event.put("partition", r.getInt(5));
                    event.put("offset", r.getLong(6));
                    events.add(event);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return events;
    }

    private Map<String, Object> snapshot(UUID id) {
        try {
            return clusters.byId(id).map(row -> {
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
        } catch (SQLException e) {
            return null; // a database blip: try again on the next tick
        }
    }

}
