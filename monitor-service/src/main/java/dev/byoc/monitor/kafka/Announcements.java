package dev.byoc.monitor.kafka;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterStateRecord;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.CrashPoint;
import dev.byoc.support.CrashPoints;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The monitor's outbox: a fold adds what it announces in its own transaction ({@link #event},
 * {@link #state}, {@link #tombstone}); {@link #drain} publishes each cluster's rows in order once
 * that transaction has committed, and {@link #relayLeftovers} publishes what a crash, a broker
 * outage or a failed drain left behind. A row is deleted only after the broker acknowledged it,
 * so a crash in between republishes the same ids, which consumers drop.
 */
@ApplicationScoped
public class Announcements {
    private static final Logger LOG = Logger.getLogger(Announcements.class);
    /** Rows younger than this are left to the live drain that is about to publish them. */
    private static final String LEFTOVER_AGE = "5 seconds";

    private final Publisher publisher;
    private final MeterRegistry metrics;
    private final CrashPoints crashPoints;
    /** Clusters this replica added rows for since their last drain: the live path drains only those. */
    private final Set<UUID> pending = ConcurrentHashMap.newKeySet();

    Announcements(Publisher publisher, MeterRegistry metrics, CrashPoints crashPoints) {
        this.publisher = publisher;
        this.crashPoints = crashPoints;
        this.metrics = metrics;
    }

    public Uni<Void> event(Mutiny.Session session, String id, UUID clusterId, EventData data, Instant time) {
        return add(session, clusterId, "events", id, EventTypes.of(data.getClass()).orElseThrow().type(), Json.write(data),
                time);
    }

    public Uni<Void> state(Mutiny.Session session, ClusterStateRecord record) {
        return add(session, record.clusterId(), "state", null, null, Json.write(record), record.updatedAt());
    }

    public Uni<Void> tombstone(Mutiny.Session session, UUID clusterId, Instant time) {
        return add(session, clusterId, "state", null, null, null, time);
    }

    private Uni<Void> add(Mutiny.Session session, UUID clusterId, String topic, String id, String type, String payload,
            Instant time) {
        Map<String, Object> row = new java.util.HashMap<>(Map.of("cluster", Sql.uuid(clusterId), "topic", topic,
                "time", Sql.timestamp(time)));
        row.put("id", id);
        row.put("type", type);
        row.put("payload", payload);
        return Sql.execute(session, "insert into announcements (cluster_id, topic, event_id, type, payload, event_time) "
                + "values (cast(cast(:cluster as text) as uuid), :topic, cast(:id as text), cast(:type as text), "
                + "cast(:payload as text), cast(cast(:time as text) as timestamptz))", row)
                .invoke(() -> pending.add(clusterId)).replaceWithVoid();
    }

    /**
     * After a batch's commit: publishes the rows this replica added for the batch's clusters. A
     * failure is logged, not raised: the rows stay for {@link #relayLeftovers} and the batch is done.
     */
    public Uni<Void> drainPending(Collection<UUID> clusters) {
        List<UUID> mine = clusters.stream().distinct().filter(pending::remove).toList();
        if (mine.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        crashPoints.reached(CrashPoint.STATUS_COMMITTED);
        return drain(mine).replaceWithVoid().onFailure().recoverWithItem(failure -> {
            LOG.warnf("announcements of %d cluster(s) not published yet (%s); the relay retries", mine.size(),
                    failure.getMessage());
            return null;
        });
    }

    /**
     * Publishes the clusters' rows, then deletes them, in one transaction holding a per-cluster
     * advisory lock (clusters another drainer holds are left to it), so two drainers never
     * interleave one cluster's rows. A cluster's rows for one topic go out in order, each awaited
     * before the next (a failed send must not let a later row of the same cluster overtake it on
     * that topic); its two topics, and the clusters, go out side by side — no consumer can see an
     * order across topics — so a batch waits for about as many broker acks as its busiest cluster
     * has rows on one topic.
     *
     * @return how many rows were published
     */
    public Uni<Integer> drain(List<UUID> clusters) {
        String[] ids = clusters.stream().map(UUID::toString).toArray(String[]::new);
        return Transactions.inTransaction(session -> Sql.column(session, "select c from unnest(cast(:clusters as text[])) c "
                + "where pg_try_advisory_xact_lock(hashtext('announcements'), hashtext(c))", Map.of("clusters", ids),
                String.class).chain(locked -> locked.isEmpty() ? Uni.createFrom().item(0)
                        : Sql.rows(session, "select seq, cluster_id::text, topic, event_id, type, payload, event_time "
                                + "from announcements where cluster_id = any(cast(:clusters as uuid[])) order by cluster_id, seq",
                                Map.of("clusters", locked.stream().map(UUID::fromString).toArray(UUID[]::new)))
                                .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(0)
                                        : publishAll(rows).invoke(() -> crashPoints.reached(CrashPoint.ANNOUNCEMENT_PUBLISHED))
                                                .chain(() -> Sql.execute(session, "delete from announcements where seq = "
                                                        + "any(cast(:seqs as bigint[]))", Map.of("seqs",
                                                                rows.stream().map(r -> Sql.bigint(r[0])).toArray(Long[]::new))))
                                                .replaceWith(rows.size()))));
    }

    private record Stream(UUID cluster, String topic) {
    }

    /** Rows ordered by cluster, then seq: one in-order chain per cluster and topic, the chains side by side. */
    private Uni<Void> publishAll(List<Object[]> rows) {
        Map<Stream, List<Object[]>> byStream = new LinkedHashMap<>();
        rows.forEach(r -> byStream.computeIfAbsent(new Stream(Sql.uuidOf(r[1]), Sql.text(r[2])), c -> new ArrayList<>()).add(r));
        List<Uni<Void>> chains = byStream.entrySet().stream()
                .map(e -> publishInOrder(e.getKey().cluster(), e.getValue(), 0)).toList();
        return Uni.join().all(chains).andFailFast().replaceWithVoid();
    }

    private Uni<Void> publishInOrder(UUID clusterId, List<Object[]> rows, int index) {
        if (index == rows.size()) {
            return Uni.createFrom().voidItem();
        }
        Object[] row = rows.get(index);
        String topic = Sql.text(row[2]);
        Uni<Void> sent;
        if ("events".equals(topic)) {
            sent = publisher.stored(Sql.text(row[3]), Sql.text(row[4]), Sql.text(row[5]), Sql.instant(row[6]));
        } else if (row[5] == null) {
            sent = publisher.tombstone(clusterId);
        } else {
            sent = publisher.state(Json.read(Sql.text(row[5]), ClusterStateRecord.class));
        }
        return sent.invoke(() -> metrics.counter("byoc_monitor_announcements_published_total", "topic", topic).increment())
                .chain(() -> publishInOrder(clusterId, rows, index + 1));
    }

    /** What a crash, a broker outage or a failed drain left: published by any replica, in order per cluster. */
    @Scheduled(every = "${byoc.monitor.announcement-relay-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relayLeftovers() {
        try {
            // on a worker thread, like the health poller: each step waits on a safe Vert.x context
            List<String> clusters = Transactions.awaitOnContext(() -> Transactions.inSession(session -> Sql.column(session,
                    "select distinct cluster_id::text from announcements where created_at < now() - interval '"
                            + LEFTOVER_AGE + "' limit 100", Map.of(), String.class)));
            if (!clusters.isEmpty()) {
                int published = Transactions.awaitOnContext(() -> drain(clusters.stream().map(UUID::fromString).toList()));
                if (published > 0) {
                    LOG.infof("relayed %d leftover announcement(s) of %d cluster(s)", published, clusters.size());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("announcement relay round failed: %s", e.getMessage());
        }
    }
}
