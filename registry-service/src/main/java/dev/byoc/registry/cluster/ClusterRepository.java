package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.ReasonCode;
import dev.byoc.registry.outbox.OutboxEntry;
import dev.byoc.support.db.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The write model ({@link Cluster}, a Panache repository) and its join with the projection. Calls
 * join the caller's session and transaction; reads flush first, so a caller reads its own writes.
 */
@ApplicationScoped
public class ClusterRepository implements PanacheRepositoryBase<Cluster, UUID> {

    /**
     * Status as the caller must see it right after their own write (read-your-writes): a delete
     * the projection has not seen yet shows as what the state machine makes of it — terminating,
     * or deleted when forced — with that transition's reason and code (ReasonCode, one place for
     * both). In SQL, not Java, because the list filters and pages on the status.
     */
    /** A delete the projection has not seen yet: the cluster shows as terminating (or deleted when forced). */
    private static final String DELETING_NOT_YET_SEEN = "c.deleting_at is not null and (v.updated_at is null or v.updated_at < c.deleting_at)";
    private static final String FORCE_DELETED = "c.released_at is not null and c.force_deleted";
    /**
     * SELECT's status column equal to :status, written on the columns it is computed from: the
     * planner estimates {@code v.status = …} from its statistics and can use an index for it, where
     * a filter on the computed value looked like 0.5 % of the rows and got a sequential scan.
     */
    private static final Map<String, String> STATUS_IS = Map.of(
            ClusterStatus.DELETED.wire(), "c.id in (select id from clusters where owner = :owner and released_at is not null "
                    + "union all select cluster_id from cluster_view where version = (select live_version from projections "
                    + "where name = 'cluster-view') and owner = :owner and status = :status) and (" + FORCE_DELETED
                    + " or v.status = :status and not (" + DELETING_NOT_YET_SEEN + "))",
            // the two ways to be terminating are two indexes (the OR of two tables' columns would read every row)
            ClusterStatus.TERMINATING.wire(), "c.id in (select id from clusters where owner = :owner and deleting_at is not null "
                    + "union all select cluster_id from cluster_view where version = (select live_version from projections "
                    + "where name = 'cluster-view') and owner = :owner and status = :status) and not (" + FORCE_DELETED
                    + ") and (" + DELETING_NOT_YET_SEEN + " or v.status = :status)",
            // queued clusters are the newest (not validated yet): the owner's clusters are walked newest first, and
            // the view is looked up per cluster, so the walk stops at the page's end (a join would read them all)
            ClusterStatus.QUEUED.wire(), "not (" + FORCE_DELETED + ") and not (" + DELETING_NOT_YET_SEEN
                    + ") and coalesce((select q.status from cluster_view q where q.version = (select live_version from projections "
                    + "where name = 'cluster-view') and q.cluster_id = c.id), :status) = :status",
            ClusterStatus.PENDING.wire(), "v.status = :status and not (" + FORCE_DELETED + ") and not (" + DELETING_NOT_YET_SEEN + ")",
            ClusterStatus.RUNNING.wire(), "v.status = :status and not (" + FORCE_DELETED + ") and not (" + DELETING_NOT_YET_SEEN + ")",
            ClusterStatus.FAILED.wire(), "v.status = :status and not (" + FORCE_DELETED + ") and not (" + DELETING_NOT_YET_SEEN + ")");

    private static final String SELECT = """
            select c.id, c.name, c.owner, c.spec::text, c.created_at,
                   greatest(c.updated_at, v.updated_at) as updated_at,
                   case when %1$s then '%2$s'
                        when %4$s then '%3$s'
                        else coalesce(v.status, '%5$s') end as status,
                   case when %4$s then case when c.force_deleted then '%6$s' else '%7$s' end
                        else v.reason end as reason,
                   v.checks::text, v.teardown::text, c.released_at is not null,
                   case when %4$s then case when c.force_deleted then '%8$s' else '%9$s' end
                        else coalesce(v.reason_code, case when v.status is null then '%10$s' end) end as reason_code,
                   c.version, v.last_validated_at
              from clusters c left join cluster_view v on v.cluster_id = c.id
                   and v.version = (select live_version from projections where name = 'cluster-view')
            """.formatted(FORCE_DELETED, ClusterStatus.DELETED.wire(), ClusterStatus.TERMINATING.wire(),
            DELETING_NOT_YET_SEEN, ClusterStatus.QUEUED.wire(), ReasonCode.FORCE_DELETED.text(),
            ReasonCode.DELETION_REQUESTED.text(), ReasonCode.FORCE_DELETED.wire(), ReasonCode.DELETION_REQUESTED.wire(),
            ReasonCode.REQUESTED.wire());

    /**
     * A new cluster and its first outbox row, in one statement: registration is the write path
     * that carries the load, and one round trip instead of three (with a session's flushes) is
     * what keeps it as fast as plain JDBC was. A name taken by the owner's live cluster fails the
     * statement as a unique violation, and writes neither row.
     */
    public Uni<Void> insert(UUID id, String name, String owner, ClusterSpec spec, Instant now, Instant nextVerifyAt,
            OutboxEntry event, Idempotency idempotency) {
        Map<String, Object> parameters = new HashMap<>(Map.of("id", Sql.uuid(id), "name", name, "owner", owner,
                "spec", Json.write(spec), "now", Sql.timestamp(now), "eventId", Sql.uuid(event.eventId),
                "type", event.type, "payload", event.payload));
        parameters.put("nextVerify", Sql.timestamp(nextVerifyAt));
        parameters.put("key", idempotency == null ? null : idempotency.key());
        parameters.put("digest", idempotency == null ? null : idempotency.digest());
        return getSession().chain(session -> Sql.execute(session, """
                with cluster as (
                    insert into clusters (id, name, owner, spec, created_at, updated_at, next_verify_at, idempotency_key,
                                          request_digest)
                    values (cast(cast(:id as text) as uuid), :name, :owner, cast(cast(:spec as text) as jsonb),
                            cast(cast(:now as text) as timestamptz), cast(cast(:now as text) as timestamptz),
                            cast(cast(:nextVerify as text) as timestamptz),
                            cast(:key as text), cast(:digest as text)))
                insert into outbox (event_id, cluster_id, type, payload)
                values (cast(cast(:eventId as text) as uuid), cast(cast(:id as text) as uuid), :type, :payload)""",
                parameters)).replaceWithVoid();
    }

    /** A create request's Idempotency-Key and the digest of what it asked for. */
    public record Idempotency(String key, String digest) {
    }

    /** The cluster an earlier request with this key created, with that request's digest. */
    public Uni<Optional<Map.Entry<ClusterRow, String>>> byIdempotencyKey(String owner, String key) {
        return getSession().chain(session -> Sql.rows(session, "select id, request_digest from clusters where owner = :owner "
                + "and idempotency_key = :key", Map.of("owner", owner, "key", key)))
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(Optional.<Map.Entry<ClusterRow, String>>empty())
                        : byId(Sql.uuidOf(rows.get(0)[0])).map(row -> row.map(r -> Map.entry(r, Sql.text(rows.get(0)[1])))));
    }

    /** Fails with {@link ConcurrentWrite} unless the cluster is still at {@code readVersion}. */
    public Uni<Void> updateSpec(UUID id, long readVersion, ClusterSpec spec, Instant now) {
        return current(id, readVersion).invoke(cluster -> {
            cluster.spec = Json.write(spec);
            cluster.updatedAt = now;
        }).replaceWithVoid();
    }

    /** Fails with {@link ConcurrentWrite} unless the cluster is still at {@code readVersion}. */
    public Uni<Void> markDeleting(UUID id, long readVersion, boolean force, Instant now) {
        return current(id, readVersion).invoke(cluster -> {
            cluster.deletingAt = now;
            cluster.updatedAt = now;
            cluster.forceDeleted = force;
            if (force) {
                cluster.releasedAt = now;
            }
        }).replaceWithVoid();
    }

    /**
     * The entity, if nobody wrote it since the caller's read. Hibernate's {@code @Version} then
     * guards the rest of the window: its update only matches the version loaded here.
     */
    private Uni<Cluster> current(UUID id, long readVersion) {
        return findById(id).map(cluster -> {
            if (cluster == null || cluster.version != readVersion) {
                throw new ConcurrentWrite();
            }
            return cluster;
        });
    }

    /** Another request wrote the cluster between this request's read and its write. */
    public static final class ConcurrentWrite extends RuntimeException implements dev.byoc.support.Fault.Conflict {
        ConcurrentWrite() {
            super("the cluster was changed by another request", null, false, false);
        }
    }

    /** The owner's cluster by name: the live one, else the most recently deleted one. */
    public Uni<Optional<ClusterRow>> byName(String owner, String name) {
        ListQuery byName = byNameQuery(owner, name);
        return query(byName.sql(), byName.parameters()).map(rows -> rows.stream().findFirst());
    }

    /** {@link #byName}'s statement: one index lookup on {@code clusters_owner_name} (V15), live and deleted alike. */
    public ListQuery byNameQuery(String owner, String name) {
        return new ListQuery(SELECT + " where c.owner = :owner and c.name = :name order by (c.released_at is null) desc, "
                + "c.created_at desc limit 1", Map.of("owner", owner, "name", name));
    }

    public Uni<Optional<ClusterRow>> byId(UUID id) {
        return query(SELECT + " where c.id = cast(cast(:id as text) as uuid)", Map.of("id", Sql.uuid(id)))
                .map(rows -> rows.stream().findFirst());
    }

    /** Newest first; keyset pagination on (created_at, id) so concurrent inserts never shift a page. */
    public Uni<List<ClusterRow>> list(String owner, boolean includeDeleted, String status, Instant afterCreated,
            UUID afterId, int limit) {
        ListQuery list = listQuery(owner, includeDeleted, status, afterCreated, afterId, limit);
        return query(list.sql(), list.parameters());
    }

    /** A statement and its parameters (for {@link Sql}). */
    public record ListQuery(String sql, Map<String, Object> parameters) {
    }

    /**
     * The list's statement, served from indexes at any fleet size (ListQueryPlanTests runs EXPLAIN
     * ANALYZE on an owner with 30,000 clusters: every page, status and cursor reads at most a few
     * pages' worth of rows). The owner's clusters newest first walk {@code clusters_owner_created};
     * a status filter is written on the columns the status is computed from ({@link #STATUS_IS}),
     * so a rare status is found through its own index (V13) instead of by reading every cluster.
     */
    public ListQuery listQuery(String owner, boolean includeDeleted, String status, Instant afterCreated, UUID afterId,
            int limit) {
        StringBuilder sql = new StringBuilder("select * from (" + SELECT + " where c.owner = :owner");
        // the limit written in, not bound: a prepared statement's generic plan would not count on a small one
        Map<String, Object> parameters = new HashMap<>(Map.of("owner", owner));
        if (!includeDeleted) {
            sql.append(" and c.released_at is null");
        }
        if (afterCreated != null) {
            sql.append(" and (c.created_at, c.id) < (cast(cast(:afterCreated as text) as timestamptz), "
                    + "cast(cast(:afterId as text) as uuid))");
            parameters.put("afterCreated", Sql.timestamp(afterCreated));
            parameters.put("afterId", Sql.uuid(afterId));
        }
        if (status != null) {
            // the computed status of SELECT as conditions on the columns, which the planner has statistics for; the
            // status is written in (one of the six words of the contract), so a generic plan is made for it too
            String condition = STATUS_IS.get(status);
            if (condition == null) {
                throw new IllegalArgumentException("not a status: " + status);
            }
            sql.append(" and ").append(condition.replace(":status", "'" + ClusterStatus.fromWire(status).wire() + "'"));
        }
        sql.append(") rows");
        sql.append(" order by created_at desc, id desc limit ").append(limit);
        return new ListQuery(sql.toString(), parameters);
    }

    /** Names of the owner's live clusters, for "did you mean". */
    public Uni<List<String>> names(String owner) {
        return getSession().chain(session -> Sql.column(session,
                "select name from clusters where owner = :owner and released_at is null", Map.of("owner", owner),
                String.class));
    }

    private Uni<List<ClusterRow>> query(String sql, Map<String, Object> parameters) {
        return getSession().chain(session -> session.flush().chain(() -> Sql.rows(session, sql, parameters)))
                .map(rows -> rows.stream().map(r -> new ClusterRow(Sql.uuidOf(r[0]), Sql.text(r[1]), Sql.text(r[2]),
                        Json.read(Sql.text(r[3]), ClusterSpec.class), Sql.text(r[6]), Sql.text(r[7]), Sql.text(r[11]),
                        tree(Sql.text(r[8])), tree(Sql.text(r[9])), Sql.instant(r[4]), Sql.instant(r[5]),
                        Boolean.TRUE.equals(r[10]), Sql.bigint(r[12]), Sql.instant(r[13]))).toList());
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
