package dev.byoc.support;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.projection.ProjectedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * The one way our consumers take a record: classify it with the contract's rules, count it, and
 * either hand back the accepted event, skip it (a newer version of a known type), or throw
 * {@link InvalidRecordException} — the channel's dead-letter strategy then writes the record to
 * the DLQ with the exception's message as {@code dead-letter-reason}, and the partition moves on.
 * A database outage while applying is retried here, never dead-lettered.
 */
@ApplicationScoped
public class EventIntake {
    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    /** Work against the database that an outage may interrupt. */
    @FunctionalInterface
    public interface DatabaseWork<T> {
        T run() throws SQLException;
    }

    /** Applies one accepted event to a projection; false when it had already been applied. */
    @FunctionalInterface
    public interface Applier {
        boolean apply(ProjectedEvent event) throws SQLException;
    }

    private final MeterRegistry metrics;

    EventIntake(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public Optional<IncomingEvent.Accepted> accept(ConsumerRecord<String, String> record, List<EventTypes> allowed) {
        IncomingEvent event = IncomingEvents.read(record.headers(), record.value(), allowed);
        if (event instanceof IncomingEvent.DeadLetter dead) {
            count(dead.type(), "dead-lettered");
            LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), dead.reason());
            throw new InvalidRecordException(dead.reason());
        }
        if (event instanceof IncomingEvent.Skipped skipped) {
            count(skipped.type(), "skipped");
            return Optional.empty();
        }
        IncomingEvent.Accepted accepted = (IncomingEvent.Accepted) event;
        count(accepted.type().type(), "consumed");
        return Optional.of(accepted);
    }

    /** The whole intake for a projection: classify, apply with outage retries, count. */
    public void project(ConsumerRecord<String, String> record, List<EventTypes> allowed, Applier projection)
            throws InterruptedException {
        Optional<IncomingEvent.Accepted> accepted = accept(record, allowed);
        if (accepted.isPresent()) {
            ProjectedEvent event = ProjectedEvent.of(accepted.get(), record);
            boolean applied = retryingOutages(event.id(), () -> projection.apply(event));
            count(event.event().type().type(), applied ? "applied" : "duplicate");
        }
    }

    /** Runs {@code work}, waiting out database outages with backoff; other failures propagate. */
    public <T> T retryingOutages(String what, DatabaseWork<T> work) throws InterruptedException {
        long backoff = 200;
        while (true) {
            try {
                return work.run();
            } catch (SQLException | RuntimeException e) {
                if (!isOutage(e)) {
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                }
                LOG.warnf("database unavailable while applying %s; retrying in %d ms: %s", what, backoff, e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    public void count(String type, String outcome) {
        metrics.counter("byoc_events_total", "type", type == null ? "none" : type, "outcome", outcome).increment();
    }

    /** A database we cannot reach (retry) rather than a record we cannot apply (fail). */
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
}
