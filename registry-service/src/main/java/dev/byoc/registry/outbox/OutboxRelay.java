package dev.byoc.registry.outbox;

import dev.byoc.contracts.envelope.OutgoingEvents;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
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

    private final AgroalDataSource dataSource;
    private final MutinyEmitter<String> events;
    private final int batchSize;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    OutboxRelay(AgroalDataSource dataSource, @Channel("cluster-events-out") MutinyEmitter<String> events,
            @ConfigProperty(name = "byoc.outbox.batch-size") int batchSize, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.events = events;
        this.batchSize = batchSize;
        metrics.gauge("byoc_outbox_backlog", backlog);
        metrics.gauge("byoc_outbox_oldest_age_seconds", oldestAgeSeconds);
    }

    @Scheduled(every = "${byoc.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        try {
            while (relayBatch() > 0) {
                // drain: a cluster with several unsent rows yields one per round, oldest first
            }
            measureBacklog();
        } catch (Exception e) {
            LOG.warnf("outbox relay paused: %s", e.getMessage());
        }
    }

    /** Claims, publishes and marks one batch in one transaction; returns how many rows it relayed. */
    @Transactional
    int relayBatch() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Row> rows = claim(c);
            for (Row row : rows) {
                events.sendMessageAndAwait(OutgoingEvents.message(row.eventId(), row.type(), row.payload(),
                        row.clusterId().toString(), row.clusterId().toString(), SOURCE, row.createdAt()));
            }
            if (!rows.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("update outbox set sent_at = now() where id = any (?)")) {
                    s.setArray(1, c.createArrayOf("bigint", rows.stream().map(Row::id).toArray()));
                    s.executeUpdate();
                }
            }
            return rows.size();
        }
    }

    private List<Row> claim(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                select o.id, o.event_id::text, o.cluster_id, o.type, o.payload, o.created_at from outbox o
                 where o.sent_at is null
                   and not exists (select 1 from outbox e where e.cluster_id = o.cluster_id and e.sent_at is null and e.id < o.id)
                 order by o.id limit ? for update skip locked""")) {
            s.setInt(1, batchSize);
            List<Row> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(r.getLong(1), r.getString(2), r.getObject(3, UUID.class), r.getString(4),
                            r.getString(5), r.getTimestamp(6).toInstant()));
                }
            }
            return rows;
        }
    }

    private void measureBacklog() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select count(*), coalesce(extract(epoch from now() - min(created_at)), 0) "
                        + "from outbox where sent_at is null");
                ResultSet r = s.executeQuery()) {
            if (r.next()) {
                backlog.set(r.getLong(1));
                oldestAgeSeconds.set(r.getLong(2));
            }
        }
    }

}
