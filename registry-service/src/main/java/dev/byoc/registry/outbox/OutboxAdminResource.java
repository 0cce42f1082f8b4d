package dev.byoc.registry.outbox;

import dev.byoc.registry.auth.CurrentUser;
import dev.byoc.registry.problem.ProblemException;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Admin: the outbox rows the broker would not take (parked by {@link OutboxRelay}), and releasing one. */
@Path("/api/v1/admin/outbox/parked")
@Produces(MediaType.APPLICATION_JSON)
public class OutboxAdminResource {
    private final CurrentUser user;
    private final Outbox outbox;

    OutboxAdminResource(CurrentUser user, Outbox outbox) {
        this.outbox = outbox;
        this.user = user;
    }

    /** Oldest first, without the payload (it may be what is too large), with its size. */
    @GET
    public Uni<Map<String, Object>> parked() {
        requireAdmin();
        return Transactions.inSession(session -> Sql.rows(session, "select id, cast(event_id as text), cast(cluster_id as text), "
                + "type, octet_length(payload), parked_at, parked_reason from outbox where parked_at is not null and sent_at is null "
                + "order by id limit 500", Map.of())).map(rows -> Map.of("items", rows.stream().map(r -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("id", Sql.bigint(r[0]));
                    item.put("eventId", Sql.text(r[1]));
                    item.put("clusterId", Sql.text(r[2]));
                    item.put("type", Sql.text(r[3]));
                    item.put("payloadBytes", Sql.integer(r[4]));
                    item.put("parkedAt", Sql.instant(r[5]).toString());
                    item.put("reason", Sql.text(r[6]));
                    return item;
                }).toList()));
    }

    /** The relay tries the row again on its next round (after, say, the topic's max.message.bytes was raised). */
    @POST
    @Path("{id}/retry")
    public Uni<Response> retry(@PathParam("id") long id) {
        requireAdmin();
        return outbox.relayAfter(Transactions.inTransaction(session -> Sql.execute(session, "update outbox set parked_at = null, "
                + "parked_reason = null where id = :id and parked_at is not null and sent_at is null", Map.of("id", id))))
                .map(updated -> {
                    if (updated == 0) {
                        throw ProblemException.notFound("no parked outbox row " + id);
                    }
                    return Response.accepted(Map.of("id", id, "released", true)).build();
                });
    }

    private void requireAdmin() {
        if (!user.admin()) {
            throw new ProblemException(403, "forbidden", "Forbidden", "only admins see and release parked outbox rows",
                    null);
        }
    }
}
