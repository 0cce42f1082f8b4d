package dev.byoc.provisioner.kafka;

import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.envelope.OutgoingEvents;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.contracts.event.ValidationStarted;
import dev.byoc.provisioner.teardown.Teardown;
import dev.byoc.provisioner.validation.AccessValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * requested/updated → validate; deleted → teardown. Every event it publishes has an id derived
 * from the input's id, and the input is acknowledged only after the output is on Kafka: a crash
 * or redelivery re-runs the (read-only) checks and republishes the same ids, which consumers drop.
 */
@ApplicationScoped
public class ClusterEventsConsumer {
    private static final Logger LOG = Logger.getLogger(ClusterEventsConsumer.class);
    static final String SOURCE = "/byoc/provisioner-service";
    private static final List<EventTypes> ACCEPTED = EventTypes.CLUSTER_EVENTS;

    private final AccessValidator validator;
    private final Teardown teardown;
    private final MutinyEmitter<String> events;
    private final MeterRegistry metrics;

    ClusterEventsConsumer(AccessValidator validator, Teardown teardown,
            @Channel("cluster-events-out") MutinyEmitter<String> events, MeterRegistry metrics) {
        this.validator = validator;
        this.teardown = teardown;
        this.events = events;
        this.metrics = metrics;
    }

    @Incoming("cluster-events")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        IncomingEvent event = IncomingEvents.read(record.headers(), record.value(), ACCEPTED);
        if (event instanceof IncomingEvent.DeadLetter dead) {
            count(dead.type(), "dead-lettered");
            LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), dead.reason());
            throw new InvalidRecordException(dead.reason());
        }
        if (event instanceof IncomingEvent.Skipped skipped) {
            count(skipped.type(), "skipped");
            return;
        }
        IncomingEvent.Accepted accepted = (IncomingEvent.Accepted) event;
        count(accepted.type().type(), "consumed");
        if (accepted.data() instanceof ClusterRequested requested) {
            validate(accepted.id(), requested.clusterId(), requested.spec());
        } else if (accepted.data() instanceof ClusterUpdated updated) {
            validate(accepted.id(), updated.clusterId(), updated.spec());
        } else if (accepted.data() instanceof ClusterDeleted deleted && !deleted.force()) {
            tearDown(accepted.id(), deleted);
        } else {
            return;
        }
        count(accepted.type().type(), "applied");
    }

    private void validate(String causeId, UUID clusterId, ClusterSpec spec) throws InterruptedException {
        publish(causeId, clusterId, new ValidationStarted(clusterId, causeId, Instant.now()));
        List<Check> checks = validator.validate(clusterId, spec);
        List<Check> blocking = checks.stream().filter(c -> c.status() == Check.Status.fail
                || (spec.strict() && c.status() == Check.Status.warn)).toList();
        Instant now = Instant.now();
        if (blocking.isEmpty()) {
            publish(causeId, clusterId, new Validated(clusterId, causeId, checks, now));
            LOG.infof("cluster %s validated", clusterId);
        } else {
            Check first = blocking.get(0);
            String reason = "validation failed: " + first.id() + ": " + first.message();
            publish(causeId, clusterId, new ValidationFailed(clusterId, causeId, checks, reason, now));
            LOG.infof("cluster %s failed validation at %s", clusterId, first.id());
        }
    }

    private void tearDown(String causeId, ClusterDeleted deleted) {
        Teardown.Report report = teardown.run(deleted.clusterId(), deleted.spec());
        publish(causeId, deleted.clusterId(), new TeardownCompleted(deleted.clusterId(), causeId, report.removed(),
                report.leftBehind(), Teardown.HINT, Instant.now()));
    }

    private void publish(String causeId, UUID clusterId, EventData data) {
        String type = EventTypes.of(data.getClass()).orElseThrow().type();
        events.sendMessageAndAwait(OutgoingEvents.message(EventIds.derived(causeId, type), data, clusterId.toString(),
                clusterId.toString(), SOURCE, Instant.now()));
    }

    private void count(String type, String outcome) {
        metrics.counter("byoc_events_total", "type", type == null ? "none" : type, "outcome", outcome).increment();
    }

    /** Carries the dead-letter reason. */
    public static class InvalidRecordException extends RuntimeException {
        public InvalidRecordException(String reason) {
            super(reason);
        }
    }
}
