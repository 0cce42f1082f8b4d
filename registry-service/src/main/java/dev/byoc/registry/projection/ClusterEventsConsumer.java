package dev.byoc.registry.projection;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds byoc.cluster-events into the cluster view. Invalid records go to the DLQ (the exception's
 * message becomes the dead-letter-reason header) and the partition moves on; a database outage is
 * retried here, never dead-lettered, so nothing valid is lost.
 */
@ApplicationScoped
public class ClusterEventsConsumer {
    private static final Logger LOG = Logger.getLogger(ClusterEventsConsumer.class);

    private final ClusterViewProjector projector;
    private final MeterRegistry metrics;

    ClusterEventsConsumer(ClusterViewProjector projector, MeterRegistry metrics) {
        this.projector = projector;
        this.metrics = metrics;
    }

    @Incoming("cluster-events")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        IncomingEvent event = IncomingEvents.read(record.headers(), record.value(), EventTypes.CLUSTER_EVENTS);
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
        boolean applied = retrying(accepted, record);
        count(accepted.type().type(), applied ? "applied" : "duplicate");
    }

    private boolean retrying(IncomingEvent.Accepted event, ConsumerRecord<String, String> record) throws InterruptedException {
        long backoff = 200;
        while (true) {
            try {
                return projector.apply(event, record.partition(), record.offset());
            } catch (SQLException | RuntimeException e) {
                if (!isOutage(e)) {
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                }
                LOG.warnf("database unavailable while projecting %s; retrying in %d ms: %s", event.id(), backoff, e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** A database we cannot reach (retry) rather than a record we cannot apply (fail). */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.net.ConnectException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                    || t.getClass().getName().startsWith("io.agroal") || t instanceof jakarta.transaction.SystemException) {
                return true;
            }
        }
        return false;
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
