package dev.byoc.support;

import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.db.Transactions;
import dev.byoc.support.projection.ProjectedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The one way our consumers take a record: classify it with the contract's rules, count it, and
 * either hand back the accepted event, skip it (a newer version of a known type), or fail with
 * {@link InvalidRecordException} — the channel's dead-letter strategy then writes the record to
 * the DLQ with the exception's message as {@code dead-letter-reason}, and the partition moves on.
 * Any other failure while applying ({@link Fault}) is retried here, never dead-lettered: the record waits.
 */
@ApplicationScoped
public class EventIntake {
    private static final Logger LOG = Logger.getLogger(EventIntake.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Applies one accepted event in the given transaction; false when it had already been applied. */
    @FunctionalInterface
    public interface Applier {
        Uni<Boolean> apply(Mutiny.Session session, ProjectedEvent event);
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

    /**
     * The whole intake for a projection: classify, apply in one transaction (retried whole while
     * the database is unavailable), count. Completes once the transaction has committed, so the
     * record is acknowledged only then.
     */
    public Uni<Void> project(ConsumerRecord<String, String> record, List<EventTypes> allowed, Applier projection) {
        return Uni.createFrom().deferred(() -> {
            Optional<IncomingEvent.Accepted> accepted = accept(record, allowed);
            if (accepted.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            ProjectedEvent event = ProjectedEvent.of(accepted.get(), record);
            return retrying(event.id(), () -> Transactions.inTransaction(session -> projection.apply(session, event)))
                    .invoke(applied -> count(event.event().type().type(), applied ? "applied" : "duplicate"))
                    .replaceWithVoid();
        });
    }

    /**
     * Runs {@code work} (subscribed afresh each time), retrying every failure {@link Fault} says
     * to retry (outages, lost races, the unexpected) with capped exponential backoff; a bad record
     * and a refusal propagate. The wait is a Vert.x timer on the caller's
     * context, so the next attempt runs where Hibernate Reactive needs it — Mutiny's own
     * {@code retry().withBackOff} would resubscribe on a scheduler thread.
     */
    public <T> Uni<T> retrying(String what, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> attempt(what, work, Vertx.currentContext(), FIRST_BACKOFF));
    }

    private <T> Uni<T> attempt(String what, Supplier<Uni<T>> work, Context context, Duration backoff) {
        return Uni.createFrom().deferred(() -> work.get()).onFailure(f -> Fault.of(f).retried()).recoverWithUni(failure -> {
            Fault fault = Fault.of(failure);
            metrics.counter("byoc_consumer_retries_total", "fault", fault.name().toLowerCase(java.util.Locale.ROOT)).increment();
            if (fault == Fault.UNEXPECTED) {
                // a bug or an unknown database error: the record waits rather than be lost; say so loudly
                LOG.errorf(failure, "unexpected failure while applying %s; the partition waits, retrying in %d ms", what,
                        backoff.toMillis());
            } else {
                LOG.warnf("%s while applying %s; retrying in %d ms: %s", fault == Fault.OUTAGE ? "outage" : "concurrent write",
                        what, backoff.toMillis(), failure.getMessage());
            }
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return sleep(context, backoff).chain(() -> attempt(what, work, context, next));
        });
    }

    private static Uni<Void> sleep(Context context, Duration duration) {
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(duration);
        }
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(duration.toMillis(),
                id -> context.runOnContext(ignored -> emitter.complete(null))));
    }

    public void count(String type, String outcome) {
        metrics.counter("byoc_events_total", "type", type == null ? "none" : type, "outcome", outcome).increment();
    }
}
