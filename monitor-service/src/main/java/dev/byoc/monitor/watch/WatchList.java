package dev.byoc.monitor.watch;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads of the live watch list, and the poll schedule beside it (a Panache repository of
 * {@link PollSchedule}). Reads open their own session; {@link #schedule} joins the caller's
 * transaction.
 */
@ApplicationScoped
public class WatchList implements PanacheRepositoryBase<PollSchedule, UUID> {
    private static final String LIVE = " from watch_list w left join poll_schedule p on p.cluster_id = w.cluster_id "
            + "where w.version = (select live_version from projections where name = '" + WatchListProjection.NAME + "') ";

    /** The statuses whose clusters are polled: EKS can still change what they should be. */
    private static final List<String> POLLED = List.of(ClusterStatus.PENDING.wire(), ClusterStatus.RUNNING.wire(),
            ClusterStatus.FAILED.wire());

    /**
     * When the poller should next look at these clusters, in one statement. An upsert, not
     * {@code merge}: the poller and the live path (clusters just validated) may schedule the same
     * cluster at once, and merge's select-then-insert would lose that race with a unique
     * violation. The rows are written in cluster-id order, so those two writers lock shared rows
     * in the same order and never deadlock each other.
     */
    public Uni<Void> schedule(Map<UUID, Instant> nextPollAt) {
        if (nextPollAt.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object[]> rows = nextPollAt.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Object[] {Sql.uuid(e.getKey()), Sql.timestamp(e.getValue())}).toList();
        return getSession().chain(session -> Sql.insertColumns(session, "poll_schedule", Map.of(),
                List.of(new Sql.Column("cluster_id", "uuid"), new Sql.Column("next_poll_at", "timestamptz")), rows,
                "on conflict (cluster_id) do update set next_poll_at = excluded.next_poll_at")).replaceWithVoid();
    }

    /** Every cluster in the given partitions (what one replica watches). */
    public Uni<List<WatchedCluster>> inPartitions(Set<Integer> partitions) {
        return query("and w.kafka_partition in (:partitions) order by w.name", partitions, Map.of());
    }

    /** Clusters in the given partitions that are due for an EKS poll (never scheduled = due now). */
    public Uni<List<WatchedCluster>> duePolls(Set<Integer> partitions, int limit) {
        return query("and w.status in (:polled) and coalesce(p.next_poll_at, '-infinity') <= now() "
                + "and w.kafka_partition in (:partitions) order by p.next_poll_at nulls first limit " + limit,
                partitions, Map.of("polled", POLLED));
    }

    /** Clusters in the given partitions stuck in {@code status} for longer than {@code timeout}. */
    public Uni<List<WatchedCluster>> overdue(Set<Integer> partitions, ClusterStatus status, Duration timeout) {
        return query("and w.status = :status and w.status_since < cast(cast(:before as text) as timestamptz) "
                + "and w.kafka_partition in (:partitions)", partitions,
                Map.of("status", status.wire(), "before", Sql.timestamp(Instant.now().minus(timeout))));
    }

    /** How many clusters of the given partitions are in each status. */
    public Uni<Map<String, Long>> countByStatus(Set<Integer> partitions) {
        if (partitions.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Transactions.inSession(session -> Sql.rows(session, "select w.status, count(*)" + LIVE
                + "and w.kafka_partition in (:partitions) group by w.status", Map.of("partitions", partitions)))
                .map(rows -> {
                    Map<String, Long> counts = new HashMap<>();
                    rows.forEach(r -> counts.put(Sql.text(r[0]), Sql.bigint(r[1])));
                    return counts;
                });
    }

    private Uni<List<WatchedCluster>> query(String where, Set<Integer> partitions, Map<String, Object> parameters) {
        if (partitions.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<String, Object> all = new HashMap<>(parameters);
        all.put("partitions", partitions);
        return Transactions.inSession(session -> Sql.rows(session, "select " + WatchListProjection.COLUMNS + LIVE + where, all))
                .map(rows -> rows.stream().map(WatchListProjection::read).toList());
    }
}
