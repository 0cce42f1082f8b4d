package dev.byoc.provisioner.kafka;

import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.OutgoingEvents;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.RotationFailed;
import dev.byoc.contracts.event.RotationRequested;
import dev.byoc.contracts.event.RotationValidated;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.contracts.event.ValidationStarted;
import dev.byoc.contracts.event.VerifyRequested;
import dev.byoc.provisioner.config.ProvisionerConfig;
import dev.byoc.provisioner.teardown.Teardown;
import dev.byoc.support.CrashPoint;
import dev.byoc.support.CrashPoints;
import dev.byoc.support.EventIntake;
import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.support.Fault;
import dev.byoc.support.InvalidRecordException;
import dev.byoc.provisioner.validation.AccessValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * requested/updated/verify-requested → validate; rotation-requested → validate the candidate role; deleted → teardown (both versions of each: a legacy {@code .v1}
 * event maps to the same record, and its spec's externalId is never read). The role is always
 * assumed with the external ID issued to the event's {@code owner}.
 *
 * <p>Records are classified on the consumer's event loop (cheap: headers, JSON, schema). Work is
 * handed to a {@link ClusterWorkQueue}: clusters are served concurrently (at most
 * {@code byoc.provisioner.max-concurrency} at a time), the events of one cluster strictly in
 * order. A record is acknowledged only after its work finished and its output is on Kafka; the
 * connector's throttled commit strategy commits a partition's offset only up to the oldest record
 * not yet acknowledged, so a crash re-runs unfinished work and never skips it.
 *
 * <p>Every event published has an id derived from the input's id: a redelivered input re-runs
 * the (read-only) checks and republishes the same ids, which consumers drop.
 */
@ApplicationScoped
public class ClusterEventsConsumer {
    private static final Logger LOG = Logger.getLogger(ClusterEventsConsumer.class);
    static final String SOURCE = dev.byoc.contracts.Producers.PROVISIONER;
    private static final List<EventTypes> ACCEPTED = EventTypes.CLUSTER_EVENTS;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final EventIntake intake;
    private final AccessValidator validator;
    private final Teardown teardown;
    private final MutinyEmitter<String> events;
    private final MeterRegistry metrics;
    private final ClusterWorkQueue queue;
    private final Duration shutdownGrace;
    private final CrashPoints crashPoints;

    ClusterEventsConsumer(EventIntake intake, AccessValidator validator, Teardown teardown,
            @Channel("cluster-events-out") MutinyEmitter<String> events, MeterRegistry metrics,
            ProvisionerConfig config, CrashPoints crashPoints) {
        this.crashPoints = crashPoints;
        int maxConcurrency = config.maxConcurrency();
        this.intake = intake;
        this.validator = validator;
        this.teardown = teardown;
        this.events = events;
        this.metrics = metrics;
        this.shutdownGrace = config.shutdownGrace();
        this.queue = new ClusterWorkQueue(maxConcurrency, config.maxPending().orElse(4 * maxConcurrency));
        metrics.gauge("byoc_provisioner_work_pending", queue, ClusterWorkQueue::pending);
        metrics.gauge("byoc_provisioner_work_running", queue, ClusterWorkQueue::running);
        LOG.infof("serving up to %d clusters at once", maxConcurrency);
    }

    /** Before the messaging connectors stop: let running work finish, drop the rest unacknowledged. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        queue.close(shutdownGrace);
    }

    @Incoming("cluster-events")
    public CompletionStage<Void> consume(Message<String> message) {
        Optional<IncomingEvent.Accepted> event;
        try {
            IncomingKafkaRecordMetadata<String, String> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .orElseThrow(() -> new InvalidRecordException("not a Kafka record"));
            event = intake.accept(metadata.getRecord(), ACCEPTED);
        } catch (InvalidRecordException e) {
            return message.nack(e); // the channel's dead-letter strategy: to the DLQ with the reason, partition moves on
        } catch (RuntimeException e) {
            intake.count(null, "dead-lettered");
            return message.nack(new InvalidRecordException("unreadable record: " + e));
        }
        if (event.isEmpty()) {
            return message.ack(); // a newer version of a type we know: not ours yet
        }
        IncomingEvent.Accepted accepted = event.get();
        String type = accepted.type().type();
        Work work = work(accepted);
        if (work == null) {
            return message.ack(); // not ours to act on (our own outputs, the monitor's, …)
        }
        return queue.submit(work.clusterId().toString(), () -> perform(message, type, work));
    }

    private record Work(UUID clusterId, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        /** @param started set once validation-started is on Kafka, so a rerun of the work does not say it twice */
        void run(java.util.concurrent.atomic.AtomicBoolean started) throws InterruptedException;
    }

    private Work work(IncomingEvent.Accepted accepted) {
        if (accepted.data() instanceof ClusterRequested requested) {
            return new Work(requested.clusterId(), started -> validate(started, accepted.id(), requested.clusterId(), requested.owner(),
                    requested.name(), requested.spec()));
        }
        if (accepted.data() instanceof ClusterUpdated updated) {
            return new Work(updated.clusterId(), started -> validate(started, accepted.id(), updated.clusterId(), updated.owner(),
                    updated.name(), updated.spec()));
        }
        if (accepted.data() instanceof VerifyRequested verify) {
            // the same checks with the same spec: a verify is an update that changed nothing
            return new Work(verify.clusterId(), started -> validate(started, accepted.id(), verify.clusterId(), verify.owner(),
                    verify.name(), verify.spec()));
        }
        if (accepted.data() instanceof RotationRequested rotation) {
            return new Work(rotation.clusterId(), started -> rotate(accepted.id(), rotation));
        }
        if (accepted.data() instanceof ClusterDeleted deleted && !deleted.force()) {
            return new Work(deleted.clusterId(), started -> tearDown(accepted.id(), deleted));
        }
        return null; // a forced delete removes nothing: the monitor moves the cluster to deleted by itself
    }

    /**
     * On a worker thread: run, then acknowledge. Nothing here is a bad record (that was decided
     * before), so a failure — the platform's own AWS trouble ({@link PlatformFault}), a publish
     * that timed out — runs the work again after a capped backoff while this cluster's later
     * records wait; every event it publishes has an id derived from its cause, so a rerun only ever
     * repeats what consumers drop. Only shutdown ends the loop, leaving the record to redelivery.
     */
    private void perform(Message<String> message, String type, Work work) {
        Duration backoff = FIRST_RETRY;
        var started = new java.util.concurrent.atomic.AtomicBoolean();
        while (true) {
            try {
                work.action().run(started);
                message.ack();
                count(type, "applied");
                return;
            } catch (InterruptedException | AccessValidator.ValidationInterrupted e) {
                Thread.currentThread().interrupt();
                LOG.infof("work on cluster %s interrupted by shutdown; the record will be redelivered", work.clusterId());
                return;
            } catch (RuntimeException e) {
                if (queue.closing()) {
                    LOG.infof("work on cluster %s stopped by shutdown (%s); the record will be redelivered", work.clusterId(), e);
                    return;
                }
                if (e instanceof PlatformFault platform) {
                    metrics.counter("byoc_platform_faults_total", "service", "provisioner", "code", platform.code()).increment();
                    LOG.warnf("cluster %s: platform fault at %s (%s); nothing published about the cluster, retrying in %d ms",
                            work.clusterId(), platform.call(), platform.code(), backoff.toMillis());
                } else {
                    Fault fault = Fault.of(e);
                    metrics.counter("byoc_consumer_retries_total", "fault", fault.name().toLowerCase(java.util.Locale.ROOT))
                            .increment();
                    LOG.errorf(e, "work on cluster %s failed (%s); the record waits, retrying in %d ms", work.clusterId(),
                            fault, backoff.toMillis());
                }
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
            }
        }
    }

    private void validate(java.util.concurrent.atomic.AtomicBoolean started, String causeId, UUID clusterId, String owner,
            String name, ClusterSpec spec) throws InterruptedException {
        Timer.Sample timer = Timer.start(metrics);
        if (!started.get()) {
            publish(causeId, clusterId, new ValidationStarted(clusterId, causeId, Instant.now()));
            started.set(true);
        }
        AccessValidator.Report report = validator.validate(clusterId, owner, spec).named(name);
        if (queue.closing()) {
            throw new InterruptedException("shutting down");
        }
        List<Check> checks = report.checks();
        List<Check> blocking = report.blocking(spec.strict());
        Instant now = Instant.now();
        String result;
        if (blocking.isEmpty()) {
            publish(causeId, clusterId, new Validated(clusterId, causeId, checks, now));
            result = "validated";
            LOG.infof("cluster %s validated: %s", clusterId, summary(checks));
        } else {
            Check first = blocking.get(0);
            String reason = "validation failed: " + first.id() + ": " + first.message();
            publish(causeId, clusterId, new ValidationFailed(clusterId, causeId, checks, reason, now));
            result = "failed";
            LOG.infof("cluster %s failed validation at %s: %s", clusterId, first.id(), summary(checks));
        }
        crashPoints.reached(CrashPoint.VALIDATION_PUBLISHED);
        checks.forEach(c -> metrics.counter("byoc_provisioner_checks_total", "check", c.id(), "status", c.status().name())
                .increment());
        timer.stop(metrics.timer("byoc_provisioner_validation_seconds", "result", result));
    }

    /**
     * A rotation's candidate role, checked like a validation while the cluster keeps running on its current
     * role: no validation-started, and an answer that moves no status, so a broken candidate never fails the
     * cluster. The registry switches the role on rotation-validated.
     */
    private void rotate(String causeId, RotationRequested rotation) throws InterruptedException {
        UUID clusterId = rotation.clusterId();
        String candidate = rotation.candidateRoleArn();
        ClusterSpec spec = rotation.spec().candidate(candidate);
        AccessValidator.Report report = validator.validate(clusterId, rotation.owner(), spec).named(rotation.name());
        if (queue.closing()) {
            throw new InterruptedException("shutting down");
        }
        // a verify re-checks the current role, not the candidate: the way to try the candidate again is the rotation
        String verify = "`byoc clusters verify " + rotation.name() + "`";
        String retry = "`byoc edit cluster " + rotation.name() + " --role-arn " + candidate + "` again";
        List<Check> checks = report.checks().stream().map(c -> c.remediation() == null || !c.remediation().contains(verify) ? c
                : new Check(c.id(), c.status(), c.message(), c.remediation().replace(verify, retry))).toList();
        List<Check> blocking = report.blocking(spec.strict());
        String from = rotation.spec().roleArn();
        Instant now = Instant.now();
        if (blocking.isEmpty()) {
            publish(causeId, clusterId, new RotationValidated(clusterId, causeId, candidate, from, checks, now));
            LOG.infof("cluster %s: rotation to %s validated: %s", clusterId, candidate, summary(checks));
        } else {
            Check first = blocking.get(0);
            publish(causeId, clusterId, new RotationFailed(clusterId, causeId, candidate, from, checks,
                    "rotation failed: " + first.id() + ": " + first.message(), now));
            LOG.infof("cluster %s: rotation to %s failed at %s; it stays on %s", clusterId, candidate, first.id(), from);
        }
        metrics.counter("byoc_provisioner_rotations_total", "result", blocking.isEmpty() ? "validated" : "failed").increment();
    }

    private void tearDown(String causeId, ClusterDeleted deleted) throws InterruptedException {
        Teardown.Report report = teardown.run(deleted.clusterId(), deleted.owner(), deleted.spec());
        if (queue.closing()) {
            throw new InterruptedException("shutting down");
        }
        publish(causeId, deleted.clusterId(), new TeardownCompleted(deleted.clusterId(), causeId, report.removed(),
                report.leftBehind(), Teardown.HINT, Instant.now()));
        metrics.counter("byoc_provisioner_teardowns_total", "outcome", report.outcome()).increment();
        LOG.infof("cluster %s torn down (%s): %d removed, %d left behind", deleted.clusterId(), report.outcome(),
                report.removed().size(), report.leftBehind().size());
    }

    private void publish(String causeId, UUID clusterId, EventData data) {
        String type = EventTypes.of(data.getClass()).orElseThrow().type();
        events.sendMessageAndAwait(OutgoingEvents.message(EventIds.derived(causeId, type), data, clusterId.toString(),
                clusterId.toString(), SOURCE, Instant.now()));
    }

    private static String summary(List<Check> checks) {
        return String.join(", ", checks.stream().map(c -> c.id() + "=" + c.status()).toList());
    }

    private void count(String type, String outcome) {
        intake.count(type, outcome);
    }
}
