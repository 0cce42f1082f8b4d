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
import dev.byoc.contracts.spec.SpecRules;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Polls EKS for the clusters in this replica's partitions and enforces the timeouts. Each cluster
 * has its own slot in the interval ({@link PollRhythm}), so a fleet's polls are spread evenly;
 * polls run {@code byoc.monitor.poll-concurrency} at a time, and an account's polls at most
 * {@code byoc.monitor.account-polls-per-second} a second (one busy account cannot take EKS's API
 * rate from the others, nor the platform's threads). An
 * observation is published as health-observed when it differs from the last one, or while a
 * recovery / failure streak is being counted (each observation of the streak is a fact the
 * state machine needs).
 */
@ApplicationScoped
public class HealthPoller {
    private static final Logger LOG = Logger.getLogger(HealthPoller.class);
    /** How long a poll round waits for the broker's ack of one event before giving up on the round. */
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(30);
    /** Due clusters read per batch of a round; a round goes on batch after batch until none is due. */
    private static final int BATCH = 200;
    /** When a poll the account's rate limit held back is due again. */
    private static final Duration DEFERRED = Duration.ofSeconds(1);

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
    private final PollRhythm rhythm;
    private final ExecutorService pollThreads;
    /** Per AWS account: at most {@code byoc.monitor.account-polls-per-second} DescribeCluster calls a second. */
    private final RateLimiterRegistry accountLimits;

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
        this.rhythm = new PollRhythm(interval, jitter);
        AtomicInteger threads = new AtomicInteger();
        this.pollThreads = Executors.newFixedThreadPool(config.pollConcurrency(), r -> {
            Thread thread = new Thread(r, "byoc-poll-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.accountLimits = RateLimiterRegistry.of(RateLimiterConfig.custom().limitForPeriod(config.accountPollsPerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
        metrics.gauge("byoc_monitor_sessions", probe, EksProbe::sessions);
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
        pollThreads.shutdownNow();
    }

    /**
     * One round on the poller's own thread: every due poll (in batches, {@link #pollConcurrency}
     * at a time), then the timeouts.
     */
    private void round() {
        Set<Integer> owned = partitions.current();
        try {
            // the AWS SDK blocks: polls run on the poll threads, and this thread waits for each database read
            List<WatchedCluster> due;
            do {
                due = Transactions.awaitOnContext(() -> watchList.duePolls(owned, BATCH));
                Map<UUID, Instant> next = pollAll(due);
                Transactions.await(session -> watchList.schedule(next));
            } while (due.size() == BATCH && !rounds.closed());
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

    /** The polls of one batch at once, at most {@code byoc.monitor.poll-concurrency}; when each is due next. */
    private Map<UUID, Instant> pollAll(List<WatchedCluster> due) throws InterruptedException {
        List<Callable<Instant>> polls = new ArrayList<>();
        for (WatchedCluster cluster : due) {
            polls.add(() -> poll(cluster));
        }
        Map<UUID, Instant> next = new HashMap<>();
        List<Future<Instant>> done = pollThreads.invokeAll(polls);
        for (int i = 0; i < due.size(); i++) {
            UUID id = due.get(i).clusterId();
            try {
                next.put(id, done.get(i).get());
            } catch (ExecutionException e) {
                // not observed (a publish that was not acknowledged): tried again at its next slot
                LOG.warnf("cluster %s not observed: %s", id, e.getCause().toString());
                next.put(id, rhythm.next(id, Instant.now()));
            }
        }
        return next;
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

    /** @return when the cluster is due next */
    private Instant poll(WatchedCluster cluster) throws Exception {
        ClusterState state = cluster.state();
        Instant next = rhythm.next(cluster.clusterId(), Instant.now());
        if (!StateMachine.judgesHealth(state)) {
            probe.forget(cluster.clusterId());
            return next;
        }
        if (!accountLimits.rateLimiter(SpecRules.accountOf(cluster.spec().roleArn())).acquirePermission()) {
            // the account's share of EKS calls this second is spent: this cluster goes first in a moment
            metrics.counter("byoc_monitor_polls_deferred_total").increment();
            return Instant.now().plus(DEFERRED);
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
            return next;
        }
        boolean changed = !observation.status().name().equals(cluster.lastObservation());
        if (changed || StateMachine.countsRepeatedObservation(state)) {
            publisher.event(EventIds.random(), cluster.clusterId(), new HealthObserved(cluster.clusterId(),
                    observation.status(), observation.status().healthy(), observation.detail(), Instant.now()))
                    .await().atMost(PUBLISH_WAIT);
        }
        return next;
    }

    static String human(Duration duration) {
        if (duration.toSeconds() % 60 != 0) {
            return duration.toSeconds() + "s";
        }
        long minutes = duration.toMinutes();
        return minutes % 60 == 0 && minutes > 0 ? duration.toHours() + "h" : minutes + "m";
    }
}
