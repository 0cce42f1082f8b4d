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
 * the rows unsent; they are published again (same ce_id, consumers drop the duplicate).
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

    OutboxRelay(@Channel("cluster-events-out") MutinyEmitter<String> events,
            OutboxConfig config, MeterRegistry metrics) {
        this.events = events;
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

    /** Claims, publishes and marks one batch in the caller's transaction; how many rows it relayed. */
    Uni<Integer> relayBatch(Mutiny.Session session) {
        return claim(session).chain(rows -> {
            Uni<Void> published = Uni.createFrom().voidItem();
            for (Row row : rows) {
                published = published.chain(() -> Transactions.onThisContext(events.sendMessage(OutgoingEvents.message(
                        row.eventId(), row.type(), row.payload(), row.clusterId().toString(), row.clusterId().toString(),
                        SOURCE, row.createdAt()))));
            }
            if (rows.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return published.chain(() -> Sql.execute(session, "update outbox set sent_at = now() where id in (:ids)",
                    Map.of("ids", rows.stream().map(Row::id).toList()))).replaceWith(rows.size());
        });
    }

    private Uni<List<Row>> claim(Mutiny.Session session) {
        return Sql.rows(session, """
                select o.id, cast(o.event_id as text), cast(o.cluster_id as text), o.type, o.payload, o.created_at
                  from outbox o
                 where o.sent_at is null
                   and not exists (select 1 from outbox e where e.cluster_id = o.cluster_id and e.sent_at is null and e.id < o.id)
                 order by o.id limit :limit for update skip locked""", Map.of("limit", batchSize))
                .map(rows -> rows.stream().map(r -> new Row(Sql.bigint(r[0]), Sql.text(r[1]), Sql.uuidOf(r[2]),
                        Sql.text(r[3]), Sql.text(r[4]), Sql.instant(r[5]))).toList());
    }

    private Uni<Void> measureBacklog(Mutiny.Session session) {
        return Sql.rows(session, "select count(*), cast(coalesce(extract(epoch from now() - min(created_at)), 0) as bigint) "
                + "from outbox where sent_at is null", Map.of()).invoke(rows -> {
                    if (!rows.isEmpty()) {
                        backlog.set(Sql.bigint(rows.get(0)[0]));
                        oldestAgeSeconds.set(Sql.bigint(rows.get(0)[1]));
                    }
                }).replaceWithVoid();
    }
}
