package dev.byoc.registry.drift;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.VerifyRequested;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.ReasonCode;
import dev.byoc.registry.outbox.Outbox;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Drift detection: every running or failed cluster is verified again every
 * {@code byoc.revalidate.interval}, through the same {@code verify-requested} event a user's
 * {@code byoc clusters verify} publishes (trigger {@code scheduled}), so access that broke after
 * validation (a trust policy opened, a role deleted) fails the cluster without anyone asking.
 *
 * <p>Each replica claims the earliest due clusters with {@code for update skip locked} and moves
 * their next turn on in the same transaction as the outbox rows: N replicas split the due clusters
 * between them without coordinating, a cluster is never claimed twice, and a crash before the
 * commit leaves it due for the next tick. Clusters that are due but not running or failed (queued,
 * pending: a validation is under way anyway; teardown timed out) are moved on without an event.
 */
@ApplicationScoped
public class DriftSchedule {
    private static final Logger LOG = Logger.getLogger(DriftSchedule.class);

    private final RevalidationConfig config;
    private final DriftClock clock;
    private final Outbox outbox;
    private final Counter requested;

    DriftSchedule(RevalidationConfig config, DriftClock clock, Outbox outbox, MeterRegistry metrics) {
        this.config = config;
        this.clock = clock;
        this.outbox = outbox;
        this.requested = metrics.counter("byoc_registry_scheduled_verifications_total");
    }

    @Scheduled(every = "${byoc.revalidate.tick}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (!config.enabled()) {
            return;
        }
        try {
            claimEverythingDue();
        } catch (RuntimeException e) {
            LOG.warnf("drift schedule: due clusters not claimed this tick (%s); the next tick tries again", e.getMessage());
        }
    }

    /** Batch after batch until no cluster is due (a tick's work; tests call it instead of waiting for one). @return claimed */
    public int claimEverythingDue() {
        int total = 0;
        int claimed;
        do {
            claimed = Transactions.awaitOnContext(() -> outbox.relayAfter(Transactions.inTransaction(this::claimDue)));
            total += claimed;
        } while (claimed >= config.batchSize());
        return total;
    }

    /** One batch: the due clusters moved on, a verify-requested in the outbox for each eligible one. @return how many were claimed */
    Uni<Integer> claimDue(Mutiny.Session session) {
        Map<String, Object> parameters = new HashMap<>(clock.sqlParameters());
        parameters.put("batch", config.batchSize());
        return Sql.rows(session, """
                with due as (
                    select id from clusters
                     where next_verify_at <= now() and released_at is null and deleting_at is null
                     order by next_verify_at limit cast(:batch as int)
                     for update skip locked)
                update clusters c set next_verify_at = %s
                  from due where c.id = due.id
                returning cast(c.id as text), c.name, c.owner, c.spec::text,
                    (select v.status from cluster_view v where v.cluster_id = c.id
                        and v.version = (select live_version from projections where name = 'cluster-view')),
                    (select v.reason_code from cluster_view v where v.cluster_id = c.id
                        and v.version = (select live_version from projections where name = 'cluster-view'))
                """.formatted(DriftClock.SQL_NEXT), parameters).chain(rows -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            List<Object[]> eligible = rows.stream().filter(r -> eligible(Sql.text(r[4]), Sql.text(r[5]))).toList();
            Uni<Void> added = Uni.createFrom().voidItem();
            for (Object[] r : eligible) {
                var clusterId = Sql.uuidOf(r[0]);
                var event = new VerifyRequested(clusterId, Sql.text(r[1]), Sql.text(r[2]),
                        Json.read(Sql.text(r[3]), ClusterSpec.class), VerifyRequested.Trigger.SCHEDULED, now);
                added = added.chain(() -> outbox.add(EventIds.random(), clusterId, event).replaceWithVoid());
            }
            return added.invoke(() -> {
                requested.increment(eligible.size());
                if (!eligible.isEmpty()) {
                    LOG.infof("drift schedule: %d clusters to verify again (%d came due)", eligible.size(), rows.size());
                }
            }).replaceWith(rows.size());
        });
    }

    /** Running, or failed for any reason but a teardown that timed out (deletion began: nothing to verify). */
    static boolean eligible(String status, String reasonCode) {
        return ClusterStatus.RUNNING.wire().equals(status)
                || (ClusterStatus.FAILED.wire().equals(status) && !ReasonCode.TEARDOWN_TIMEOUT.wire().equals(reasonCode));
    }
}
