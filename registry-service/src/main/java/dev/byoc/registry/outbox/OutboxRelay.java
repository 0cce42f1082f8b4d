package dev.byoc.registry.outbox;

import dev.byoc.contracts.envelope.OutgoingEvents;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to byoc.cluster-events. Every replica runs it: rows are claimed with
 * FOR UPDATE SKIP LOCKED, and a row is only claimed when no older unsent row of the same cluster
 * exists, so per-cluster order holds even with several relays. A crash before the commit leaves
 * the rows unsent; they are published again (same ce_id, consumers drop the duplicate). A row the
 * broker will never take is parked (V10) so it stalls only its own cluster, never the fleet.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final String SOURCE = dev.byoc.contracts.Producers.REGISTRY;

    private record Row(long id, String eventId, UUID clusterId, String type, String payload, java.time.Instant createdAt) {
    }

    private final MutinyEmitter<String> events;
    private final int batchSize;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final AtomicLong parkedRows = new AtomicLong();
    private final MeterRegistry metrics;

    OutboxRelay(@Channel("cluster-events-out") MutinyEmitter<String> events,
            OutboxConfig config, MeterRegistry metrics) {
        this.events = events;
        this.metrics = metrics;
        metrics.gauge("byoc_outbox_parked_rows", parkedRows);
        this.batchSize = config.batchSize();
        metrics.gauge("byoc_outbox_backlog", backlog);
        metrics.gauge("byoc_outbox_oldest_age_seconds", oldestAgeSeconds);
    }

    /** On a worker thread: each batch is one reactive transaction, waited for. */
    @Scheduled(every = "${byoc.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        try {
            while (Transactions.await(this::relayBatch) > 0) {
                // drain: a cluster with several unsent rows yields one per round, oldest first
            }
            Transactions.awaitOnContext(() -> Transactions.inSession(this::measureBacklog));
        } catch (Exception e) {
            LOG.warnf("outbox relay paused: %s", e.getMessage());
        }
    }

    /**
     * Claims, publishes and marks one batch in the caller's transaction; how many rows it relayed
     * (sent or parked). Each row is published on its own: a row the broker will never take is
     * parked with the reason and the rest of the batch goes on; a broker that is unavailable stops
     * the batch, keeping what was sent before it.
     */
    Uni<Integer> relayBatch(Mutiny.Session session) {
        return claim(session).chain(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Long> sent = new java.util.ArrayList<>();
            Map<Long, String> parked = new java.util.LinkedHashMap<>();
            return publishEach(rows, 0, sent, parked)
                    .chain(() -> sent.isEmpty() ? Uni.createFrom().item(0)
                            : Sql.execute(session, "update outbox set sent_at = now() where id in (:ids)", Map.of("ids", sent)))
                    .chain(() -> park(session, parked))
                    .replaceWith(() -> sent.size() + parked.size());
        });
    }

    private Uni<Void> publishEach(List<Row> rows, int index, List<Long> sent, Map<Long, String> parked) {
        if (index == rows.size()) {
            return Uni.createFrom().voidItem();
        }
        Row row = rows.get(index);
        return Uni.createFrom().deferred(() -> Transactions.onThisContext(events.sendMessage(OutgoingEvents.message(
                        row.eventId(), row.type(), row.payload(), row.clusterId().toString(), row.clusterId().toString(),
                        SOURCE, row.createdAt()))))
                .onItem().transformToUni(ok -> {
                    sent.add(row.id());
                    return publishEach(rows, index + 1, sent, parked);
                })
                .onFailure(OutboxRelay::unpublishable).recoverWithUni(failure -> {
                    parked.put(row.id(), failure.getClass().getSimpleName() + ": " + failure.getMessage());
                    return publishEach(rows, index + 1, sent, parked);
                });
        // any other failure (broker down, timeout) fails the batch after what was sent: see relayBatch's caller
    }

    /**
     * Kafka's answer that this record can never be written (its size, its content), as opposed to
     * a broker that is unavailable: only these park a row.
     */
    static boolean unpublishable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || t instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
                    || t instanceof org.apache.kafka.common.InvalidRecordException
                    || t instanceof org.apache.kafka.common.errors.SerializationException
                    || t instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    private Uni<Void> park(Mutiny.Session session, Map<Long, String> parked) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (var row : parked.entrySet()) {
            done = done.chain(() -> Sql.execute(session, "update outbox set parked_at = now(), parked_reason = :reason "
                    + "where id = :id", Map.of("id", row.getKey(), "reason", row.getValue())).invoke(() -> {
                        metrics.counter("byoc_outbox_parked_total").increment();
                        LOG.warnf("outbox row %d parked (its cluster's later events wait; the rest of the fleet goes on): %s",
                                row.getKey(), row.getValue());
                    }).replaceWithVoid());
        }
        return done;
    }

    private Uni<List<Row>> claim(Mutiny.Session session) {
        return Sql.rows(session, """
                select o.id, cast(o.event_id as text), cast(o.cluster_id as text), o.type, o.payload, o.created_at
                  from outbox o
                 where o.sent_at is null and o.parked_at is null
                   and not exists (select 1 from outbox e where e.cluster_id = o.cluster_id and e.sent_at is null and e.id < o.id)
                 order by o.id limit :limit for update skip locked""", Map.of("limit", batchSize))
                .map(rows -> rows.stream().map(r -> new Row(Sql.bigint(r[0]), Sql.text(r[1]), Sql.uuidOf(r[2]),
                        Sql.text(r[3]), Sql.text(r[4]), Sql.instant(r[5]))).toList());
    }

    private Uni<Void> measureBacklog(Mutiny.Session session) {
        return Sql.rows(session, "select count(*), cast(coalesce(extract(epoch from now() - min(created_at)), 0) as bigint), "
                + "count(parked_at) from outbox where sent_at is null", Map.of()).invoke(rows -> {
                    if (!rows.isEmpty()) {
                        backlog.set(Sql.bigint(rows.get(0)[0]));
                        oldestAgeSeconds.set(Sql.bigint(rows.get(0)[1]));
                        parkedRows.set(Sql.bigint(rows.get(0)[2]));
                    }
                }).replaceWithVoid();
    }
}
