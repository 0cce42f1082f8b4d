package dev.byoc.monitor.health;

import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.event.TimedOut;
import dev.byoc.contracts.lifecycle.ClusterState;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.StateMachine;
import dev.byoc.monitor.kafka.OwnedPartitions;
import dev.byoc.monitor.kafka.Publisher;
import dev.byoc.monitor.watch.WatchList;
import dev.byoc.monitor.watch.WatchedCluster;
import dev.byoc.support.Wakeable;
import dev.byoc.support.db.Transactions;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Polls EKS for the clusters in this replica's partitions and enforces the timeouts. An
 * observation is published as health-observed when it differs from the last one, or while a
 * recovery / failure streak is being counted (each observation of the streak is a fact the
 * state machine needs).
 */
@ApplicationScoped
public class HealthPoller {
    private static final Logger LOG = Logger.getLogger(HealthPoller.class);
    /** How long a poll round waits for the broker's ack of one event before giving up on the round. */
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(30);

    private final WatchList watchList;
    private final OwnedPartitions partitions;
    private final EksProbe probe;
    private final Publisher publisher;
    private final Set<String> announcedTimeouts = ConcurrentHashMap.newKeySet();
    private final MeterRegistry metrics;
    private final Duration interval;
    private final Duration jitter;
    private final Duration provisioningTimeout;
    private final Duration teardownTimeout;
    private final Wakeable rounds = new Wakeable("byoc-health-poller", this::round);

    HealthPoller(WatchList watchList, OwnedPartitions partitions, EksProbe probe, Publisher publisher,
            MeterRegistry metrics, dev.byoc.monitor.MonitorConfig config) {
        this.watchList = watchList;
        this.partitions = partitions;
        this.probe = probe;
        this.publisher = publisher;
        this.metrics = metrics;
        this.interval = config.pollInterval();
        this.jitter = config.pollJitter();
        this.provisioningTimeout = config.provisioningTimeout();
        this.teardownTimeout = config.teardownTimeout();
    }

    /** The rhythm of the polls that are due; a validated cluster does not wait for it ({@link #pollSoon}). */
    @Scheduled(every = "${byoc.monitor.tick}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        rounds.wake();
    }

    /**
     * A round now rather than at the next tick: called once a validated cluster's fold committed
     * (its first poll is due at once), so {@code validated → running} waits for no timer.
     */
    public void pollSoon() {
        rounds.wake();
    }

    void stop(@Observes ShutdownEvent event) {
        rounds.close();
    }

    /** One round on the poller's own thread: the due polls, then the timeouts. */
    private void round() {
        Set<Integer> owned = partitions.current();
        try {
            // the AWS SDK blocks: this runs on a worker thread and waits for each database read
            for (WatchedCluster cluster : Transactions.awaitOnContext(() -> watchList.duePolls(owned, 100))) {
                poll(cluster);
            }
            for (WatchedCluster cluster : Transactions.awaitOnContext(
                    () -> watchList.overdue(owned, ClusterStatus.PENDING, provisioningTimeout))) {
                timedOut(cluster, ClusterStatus.PENDING, provisioningTimeout,
                        "provisioning timed out after " + human(provisioningTimeout));
            }
            for (WatchedCluster cluster : Transactions.awaitOnContext(
                    () -> watchList.overdue(owned, ClusterStatus.TERMINATING, teardownTimeout))) {
                timedOut(cluster, ClusterStatus.TERMINATING, teardownTimeout,
                        "teardown timed out after " + human(teardownTimeout) + "; delete the cluster again to retry");
            }
        } catch (Exception e) {
            LOG.warnf("health poll round failed: %s", e.getMessage());
        }
    }

    /**
     * The clock's fact goes onto the log like any other; the fold turns it into failed (unless the
     * cluster moved on meanwhile). The id is derived from the stay in the status, so the ticks
     * until the fold catches up publish one event as far as consumers are concerned.
     */
    private void timedOut(WatchedCluster cluster, ClusterStatus status, Duration timeout, String reason) {
        String id = EventIds.derived(cluster.clusterId() + "@" + cluster.statusSince(), EventTypes.TIMED_OUT.type());
        if (!announcedTimeouts.contains(id)) {
            publisher.event(id, cluster.clusterId(), new TimedOut(cluster.clusterId(), status, cluster.statusSince(),
                    timeout.toString(), reason, Instant.now())).await().atMost(PUBLISH_WAIT);
            if (announcedTimeouts.size() > 10_000) {
                announcedTimeouts.clear();
            }
            announcedTimeouts.add(id);
        }
    }

    private void poll(WatchedCluster cluster) throws Exception {
        ClusterState state = cluster.state();
        Instant next = Instant.now().plus(interval).plusMillis(jitter.isZero() ? 0
                : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1));
        if (!StateMachine.judgesHealth(state)) {
            schedule(cluster, next);
            return;
        }
        Timer.Sample sample = Timer.start(metrics);
        EksProbe.Observation observation = probe.observe(cluster.clusterId(), cluster.owner(), cluster.spec());
        sample.stop(metrics.timer("byoc_monitor_poll_seconds"));
        metrics.counter("byoc_monitor_polls_total", "eks_status", observation.status().name()).increment();
        if (observation.errorCode() != null) {
            metrics.counter("byoc_monitor_aws_errors_total", "code", observation.errorCode()).increment();
        }
        if (observation.platformFault()) {
            // the operators' problem, not the customer's: no observation is published, the status stays
            metrics.counter("byoc_platform_faults_total", "service", "monitor", "code", observation.errorCode()).increment();
            LOG.warnf("cluster %s not observed: platform fault at %s; its status is left alone, next poll in %s",
                    cluster.clusterId(), observation.detail(), human(interval));
            schedule(cluster, next);
            return;
        }
        boolean changed = !observation.status().name().equals(cluster.lastObservation());
        if (changed || StateMachine.countsRepeatedObservation(state)) {
            publisher.event(EventIds.random(), cluster.clusterId(), new HealthObserved(cluster.clusterId(),
                    observation.status(), observation.status().healthy(), observation.detail(), Instant.now()))
                    .await().atMost(PUBLISH_WAIT);
        }
        schedule(cluster, next);
    }

    private void schedule(WatchedCluster cluster, Instant next) {
        Transactions.await(session -> watchList.schedule(cluster.clusterId(), next));
    }

    static String human(Duration duration) {
        if (duration.toSeconds() % 60 != 0) {
            return duration.toSeconds() + "s";
        }
        long minutes = duration.toMinutes();
        return minutes % 60 == 0 && minutes > 0 ? duration.toHours() + "h" : minutes + "m";
    }
}
