package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.auth.CurrentUser;
import dev.byoc.registry.problem.ProblemException;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The fleet stream: every event recorded in the history of the caller's clusters (an admin's: of
 * every cluster), as it is recorded, each with its position in the log as the SSE {@code id}
 * ({@link FleetPosition}). A client that reconnects with {@code Last-Event-ID} (or {@code ?after=})
 * gets exactly the events after it: none lost, none repeated. Without a position it starts at the
 * end of the log, like {@code tail -f}.
 *
 * <p>Pushed, not polled: the transaction that records history notifies every replica
 * ({@link ClusterChanges#notifyHistoryAppended}) and each open stream reads on from its position.
 * Capped with the per-cluster streams ({@link StreamSlots}); ends when its key is revoked.
 */
@Path("/api/v1/events")
public class FleetStreamResource {
    private static final Logger LOG = Logger.getLogger(FleetStreamResource.class);
    /** Most events one read takes from one partition; a stream further behind reads again at once. */
    static final int READ_MAX = 500;

    /**
     * One statement, so one snapshot: each partition's last recorded offset ({@code upto}) and the
     * caller's events after the stream's position up to it. Partitions are found with a loose
     * index scan (one probe each), so a partition added to the topic later is followed too.
     */
    private static final String READ = """
            with recursive parts(p) as (
                select min(kafka_partition) from cluster_history
                union all
                select (select min(h.kafka_partition) from cluster_history h where h.kafka_partition > parts.p)
                  from parts where parts.p is not null),
            pos as (
                select parts.p, coalesce(c.o, -1) as o
                  from parts left join unnest(cast(:partitions as int[]), cast(:offsets as bigint[])) as c(p, o) on c.p = parts.p
                 where parts.p is not null),
            top as (
                select pos.p, pos.o, (select max(h.kafka_offset) from cluster_history h where h.kafka_partition = pos.p) as upto
                  from pos)
            select top.p, top.upto, e.event_id, e.cluster_id, e.name, e.type, e.data, e.occurred_at, e.kafka_offset
              from top left join lateral (
                select cast(h.event_id as text) as event_id, cast(h.cluster_id as text) as cluster_id, c.name, h.type,
                       cast(h.data as text) as data, h.occurred_at, h.kafka_offset
                  from cluster_history h join clusters c on c.id = h.cluster_id
                 where h.kafka_partition = top.p and h.kafka_offset > top.o and h.kafka_offset <= top.upto
                   and (cast(:everyone as boolean) or c.owner = :owner)
                 order by h.kafka_offset limit %d) e on true
             order by top.p, e.kafka_offset
            """.formatted(READ_MAX);

    private final CurrentUser user;
    private final ClusterChanges changes;
    private final StreamSlots slots;
    private final io.vertx.core.Vertx vertx;
    private final Duration keepAlive;

    FleetStreamResource(CurrentUser user, ClusterChanges changes, StreamSlots slots, io.vertx.core.Vertx vertx,
            StreamConfig config) {
        this.user = user;
        this.changes = changes;
        this.slots = slots;
        this.vertx = vertx;
        this.keepAlive = config.keepAlive();
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("after") String after,
            @Context Sse sse) {
        FleetPosition from = position(lastEventId, "header Last-Event-ID");
        if (from == null) {
            from = position(after, "after");
        }
        String owner = user.username();
        boolean everyone = user.admin();
        String keyHash = user.keyHash();
        FleetPosition start = from;
        Runnable release = slots.acquire(owner);
        return OpenStream.serve(vertx, keepAlive, release, (emitter, events) -> new Stream(owner, everyone, start, emitter, events),
                sse, stream -> changes.watchFleet(keyHash, stream));
    }

    private static FleetPosition position(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return FleetPosition.decode(text.trim());
        } catch (RuntimeException e) {
            throw ProblemException.invalid(List.of(new Violation(field,
                    "not a position this stream sent: give the id of the last event you received, or nothing to start at the end")));
        }
    }

    /** One open fleet stream: reads on a worker thread, one read at a time, again if woken meanwhile. */
    private final class Stream extends OpenStream {
        private final String owner;
        private final boolean everyone;
        private FleetPosition position;
        private boolean positioned;
        private boolean reading;
        private boolean wokenMeanwhile;

        Stream(String owner, boolean everyone, FleetPosition start, MultiEmitter<? super OutboundSseEvent> emitter, Sse sse) {
            super(emitter, sse);
            this.owner = owner;
            this.everyone = everyone;
            this.position = start == null ? FleetPosition.START : start;
            this.positioned = start != null; // without a position, the first read only finds the end
        }

        @Override
        public void changed() {
            synchronized (this) {
                if (reading) {
                    wokenMeanwhile = true;
                    return;
                }
                reading = true;
            }
            Infrastructure.getDefaultWorkerPool().execute(this::readOn);
        }

        private void readOn() {
            boolean more = true;
            while (more) {
                try {
                    more = readOnce();
                } catch (RuntimeException e) {
                    // a database blip: the next notification (or the LISTEN reconnect's catch-up) reads again
                    LOG.debugf("fleet stream read failed: %s", e.getMessage());
                    more = false;
                }
                synchronized (this) {
                    if (done()) {
                        return;
                    }
                    if (!more && wokenMeanwhile) {
                        wokenMeanwhile = false;
                        more = true;
                    }
                    if (!more) {
                        reading = false;
                    }
                }
            }
        }

        /** @return whether a partition had more than one read takes */
        private boolean readOnce() {
            List<Integer> partitions = new ArrayList<>(position.offsets().keySet());
            Map<String, Object> parameters = new HashMap<>();
            parameters.put("partitions", partitions.toArray(Integer[]::new));
            parameters.put("offsets", partitions.stream().map(position::after).toArray(Long[]::new));
            parameters.put("everyone", everyone);
            parameters.put("owner", owner);
            List<Object[]> rows = Transactions.awaitOnContext(() -> Transactions.inSession(session -> Sql.rows(session, READ,
                    parameters)));
            Map<Integer, Long> upto = new LinkedHashMap<>();
            Map<Integer, Integer> read = new HashMap<>();
            boolean more = false;
            for (Object[] r : rows) {
                int partition = Sql.integer(r[0]);
                if (r[1] != null) {
                    upto.put(partition, Sql.bigint(r[1]));
                }
                if (r[2] == null || !positioned) {
                    continue;
                }
                long offset = Sql.bigint(r[8]);
                position = position.with(partition, offset);
                send(sse.newEventBuilder().name("cluster-event").id(position.encode()).data(Json.write(event(r, partition, offset)))
                        .build());
                read.merge(partition, 1, Integer::sum);
            }
            for (Map.Entry<Integer, Long> end : upto.entrySet()) {
                if (read.getOrDefault(end.getKey(), 0) >= READ_MAX) {
                    more = true; // stay at its last event sent: the next read takes the rest of this partition
                } else {
                    position = position.with(end.getKey(), end.getValue());
                }
            }
            positioned = true;
            return more;
        }

        private Map<String, Object> event(Object[] r, int partition, long offset) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", Sql.text(r[2]));
            event.put("type", Sql.text(r[5]));
            event.put("clusterId", Sql.text(r[3]));
            event.put("cluster", Sql.text(r[4]));
            try {
                event.put("data", Json.mapper().readTree(Sql.text(r[6])));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            event.put("recordedAt", Sql.instant(r[7]));
            event.put("partition", partition);
            event.put("offset", offset);
            return event;
        }
    }
}
