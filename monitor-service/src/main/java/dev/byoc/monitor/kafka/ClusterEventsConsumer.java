package dev.byoc.monitor.kafka;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.monitor.watch.StatusFolder;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Feeds byoc.cluster-events into the watch list; invalid records to the DLQ, outages retried. */
@ApplicationScoped
public class ClusterEventsConsumer {
    private static final Logger LOG = Logger.getLogger(ClusterEventsConsumer.class);

    private final StatusFolder folder;
    private final MeterRegistry metrics;

    ClusterEventsConsumer(StatusFolder folder, MeterRegistry metrics) {
        this.folder = folder;
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
        long backoff = 200;
        while (true) {
            try {
                boolean applied = folder.apply(accepted, record.partition(), record.offset());
                count(accepted.type().type(), applied ? "applied" : "duplicate");
                return;
            } catch (SQLException | RuntimeException e) {
                if (!isOutage(e)) {
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                }
                LOG.warnf("database unavailable while folding %s; retrying in %d ms: %s", accepted.id(), backoff, e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.net.ConnectException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                    || t.getClass().getName().startsWith("io.agroal")) {
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
