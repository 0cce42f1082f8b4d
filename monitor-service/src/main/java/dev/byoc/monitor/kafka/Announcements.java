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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The monitor's outbox: a fold adds what it announces in its own transaction ({@link #event},
 * {@link #state}, {@link #tombstone}); {@link #drain} publishes a cluster's rows in order once
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
     * After the fold's commit: publishes the cluster's rows when this replica added some. A failure
     * is logged, not raised: the rows stay for {@link #relayLeftovers} and the record is done.
     */
    public Uni<Void> drainIfPending(String key) {
        UUID clusterId;
        try {
            clusterId = key == null ? null : UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem();
        }
        if (clusterId == null || !pending.remove(clusterId)) {
            return Uni.createFrom().voidItem();
        }
        crashPoints.reached(CrashPoint.STATUS_COMMITTED);
        return drain(clusterId).replaceWithVoid().onFailure().recoverWithItem(failure -> {
            LOG.warnf("announcements of cluster %s not published yet (%s); the relay retries", clusterId,
                    failure.getMessage());
            return null;
        });
    }

    /**
     * Publishes one cluster's rows in order, one at a time, each awaited, then deletes them, all
     * under a per-cluster advisory lock so two drainers never interleave one cluster's rows.
     *
     * @return how many rows were published (0 when another drainer holds the cluster)
     */
    public Uni<Integer> drain(UUID clusterId) {
        return Transactions.inTransaction(session -> Sql.rows(session, "select pg_try_advisory_xact_lock("
                + "hashtext('announcements'), hashtext(cast(:cluster as text)))", Map.of("cluster", clusterId.toString()))
                .chain(locked -> !Boolean.TRUE.equals(locked.get(0)[0]) ? Uni.createFrom().item(0)
                        : Sql.rows(session, "select seq, topic, event_id, type, payload, event_time from announcements "
                                + "where cluster_id = cast(cast(:cluster as text) as uuid) order by seq",
                                Map.of("cluster", clusterId.toString()))
                                .chain(rows -> publishInOrder(clusterId, rows, 0)
                                        .invoke(() -> {
                                            if (!rows.isEmpty()) {
                                                crashPoints.reached(CrashPoint.ANNOUNCEMENT_PUBLISHED);
                                            }
                                        }).chain(() -> rows.isEmpty() ? Uni.createFrom().item(0)
                                        : Sql.execute(session, "delete from announcements where cluster_id = "
                                                + "cast(cast(:cluster as text) as uuid) and seq <= :last",
                                                Map.of("cluster", clusterId.toString(), "last",
                                                        Sql.bigint(rows.get(rows.size() - 1)[0])))))));
    }

    private Uni<Void> publishInOrder(UUID clusterId, List<Object[]> rows, int index) {
        if (index == rows.size()) {
            return Uni.createFrom().voidItem();
        }
        Object[] row = rows.get(index);
        String topic = Sql.text(row[1]);
        Uni<Void> sent;
        if ("events".equals(topic)) {
            sent = publisher.stored(Sql.text(row[2]), Sql.text(row[3]), Sql.text(row[4]), Sql.instant(row[5]));
        } else if (row[4] == null) {
            sent = publisher.tombstone(clusterId);
        } else {
            sent = publisher.state(Json.read(Sql.text(row[4]), ClusterStateRecord.class));
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
            for (String cluster : clusters) {
                int published = Transactions.awaitOnContext(() -> drain(UUID.fromString(cluster)));
                if (published > 0) {
                    LOG.infof("relayed %d leftover announcement(s) of cluster %s", published, cluster);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("announcement relay round failed: %s", e.getMessage());
        }
    }
}
